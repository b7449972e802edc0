from tests.reader.mailbox import mailbox

__all__ = ["mailbox"]
