"""`inkwell keys create/list/revoke`, run as a user runs them."""

import os
import subprocess
import sys
from pathlib import Path

from app.keys.service import hash_key

INKWELL = str(Path(sys.executable).with_name("inkwell"))


def run(store, *args):
    env = {
        **os.environ,
        "INKWELL_DATABASE_URL": store.url,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    return subprocess.run(
        [INKWELL, "keys", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_a_created_key_is_printed_once_and_only_its_hash_is_stored(store):
    created = run(store, "create", "--role", "editor", "--name", "desk")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert key.startswith("ink_") and len(key) > 40
    rows = store.rows("SELECT role, name, key_hash, prefix FROM api_key")
    assert len(rows) == 1
    role, name, key_hash, prefix = rows[0]
    assert (role, name) == ("editor", "desk")
    assert key_hash == hash_key("inkwell-development-secret-change-me", key)
    assert key not in key_hash and key.startswith(prefix)
    listed = run(store, "list")
    assert listed.returncode == 0 and "editor" in listed.stdout and key not in listed.stdout


def test_revoking_a_key_marks_it_and_a_second_revoke_fails(store):
    run(store, "create", "--role", "moderator")
    assert run(store, "revoke", "1").returncode == 0
    assert store.scalar("SELECT revoked_at IS NOT NULL FROM api_key WHERE id = 1")
    again = run(store, "revoke", "1")
    assert again.returncode == 1 and "no active key" in again.stderr


def test_unknown_roles_and_author_keys_without_an_author_are_refused(store):
    assert run(store, "create", "--role", "owner").returncode == 2
    refused = run(store, "create", "--role", "author")
    assert refused.returncode == 2 and "--author" in refused.stderr
    assert store.scalar("SELECT count(*) FROM api_key") == 0
