"""A writer in its own process, for the contract tests that need real separate processes.

    python -m tests.eventstore.writer_process URL MODE WRITER_ID COUNT GO_FILE

Modes:
  race     append COUNT single-event appends (16 in flight) to streams w<ID>-<n>, then exit;
  contest  try to create streams contest-0 .. contest-<COUNT-1> with NO_STREAM; print "won <n>";
  forever  append until killed, printing "ack <event_id>" for each acknowledged append.
Every mode waits until GO_FILE exists, so that processes start writing at the same moment.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

import msgspec

from eventstore import NO_STREAM, NewEvent, WrongExpectedVersion, open_store


def _wait_for(path: str) -> None:
    """Blocks on purpose: nothing else runs in this process before the start signal."""
    deadline = time.monotonic() + 60
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise SystemExit("GO file never appeared")
        time.sleep(0.002)


def _event(writer: str, seq: int) -> NewEvent:
    return NewEvent(type="test.written", data=msgspec.json.encode({"writer": writer, "seq": seq, "pad": "x" * 200}))


async def main(url: str, mode: str, writer: str, count: int, go_file: str) -> None:
    store = await open_store(url, poll_interval_ms=20)
    print("ready", flush=True)
    _wait_for(go_file)
    try:
        if mode == "race":
            semaphore = asyncio.Semaphore(16)

            async def one(seq: int) -> None:
                async with semaphore:
                    await store.append(f"w{writer}-{seq}", [_event(writer, seq)], NO_STREAM)

            await asyncio.gather(*(one(seq) for seq in range(count)))
        elif mode == "contest":
            for n in range(count):
                try:
                    await store.append(f"contest-{n}", [_event(writer, n)], NO_STREAM)
                    print(f"won {n}", flush=True)
                except WrongExpectedVersion:
                    pass
        elif mode == "forever":
            seq = 0
            out = sys.stdout

            async def ack_loop(lane: int) -> None:
                nonlocal seq
                while True:
                    seq += 1
                    event = _event(writer, seq)
                    await store.append(f"f{writer}-{lane}-{seq}", [event], NO_STREAM)
                    out.write(f"ack {event.event_id}\n")
                    out.flush()

            await asyncio.gather(*(ack_loop(lane) for lane in range(8)))
    finally:
        await store.close()


if __name__ == "__main__":
    url_arg, mode_arg, writer_arg, count_arg, go_arg = sys.argv[1:6]
    asyncio.run(main(url_arg, mode_arg, writer_arg, int(count_arg), go_arg))
