"""Routes of this domain (built by its issue)."""

from fastapi import APIRouter

router = APIRouter()
