"""Demo pictures: small generated SVGs, so the demo site has hero images with no files to ship."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

router = APIRouter(tags=["operations"])
PALETTE = ("#1d3557", "#457b9d", "#e63946", "#2a9d8f", "#e9c46a", "#f4a261", "#6d597a", "#264653")


@router.get("/media/demo/{name}.svg", include_in_schema=False)
async def demo_image(name: Annotated[str, Path(pattern=r"^[a-z0-9-]{1,40}$")]) -> Response:
    digest = hashlib.blake2b(name.encode(), digest_size=4).digest()
    back, front = PALETTE[digest[0] % len(PALETTE)], PALETTE[digest[1] % len(PALETTE)]
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675" viewBox="0 0 1200 675">'
        f'<rect width="1200" height="675" fill="{back}"/>'
        f'<circle cx="{300 + digest[2] * 2}" cy="{200 + digest[3]}" r="220" fill="{front}" opacity="0.7"/>'
        f'<rect x="640" y="360" width="420" height="200" fill="{front}" opacity="0.5"/>'
        "</svg>"
    )
    return Response(
        svg, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )
