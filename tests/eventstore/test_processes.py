"""Contract properties that only separate processes can show: racing writers, a concurrent tail,
exactly-one-wins across processes, and durability of acknowledged appends under kill -9."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import msgspec
import pytest

from eventstore import open_store

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@contextmanager
def writers(url: str, mode: str, count: int, processes: int, go_file: Path) -> Iterator[list[subprocess.Popen[str]]]:
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.eventstore.writer_process", url, mode, str(n), str(count), str(go_file)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    try:
        for process in started:
            assert process.stdout is not None
            line = process.stdout.readline()
            assert line.strip() == "ready", process.stderr.read() if process.stderr else line
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
            process.wait(10)


async def test_racing_writer_processes_get_contiguous_commit_ordered_positions_and_a_tail_skips_none(
    store_url: str, tmp_path: Path
) -> None:
    processes, per_process = 4, 250
    total = processes * per_process
    go_file = tmp_path / "go"
    tail_store = await open_store(store_url, poll_interval_ms=5)
    try:
        with writers(store_url, "race", per_process, processes, go_file) as started:
            seen: list[int] = []

            async def tail() -> None:
                async for recorded in tail_store.subscribe(batch_size=13):
                    seen.append(recorded.position)
                    if len(seen) == total:
                        return

            tail_task = asyncio.create_task(tail())
            go_file.touch()
            for process in started:
                returncode = await asyncio.to_thread(process.wait, 120)
                assert returncode == 0, process.stderr.read() if process.stderr else ""
            await asyncio.wait_for(tail_task, 60)
        assert seen == list(range(1, total + 1)), "the tail skipped or repeated a position"
        events = await tail_store.read_all(0, total + 10)
        assert [e.position for e in events] == list(range(1, total + 1))
        by_writer: dict[str, list[int]] = {}
        for recorded in events:
            body = msgspec.json.decode(recorded.data)
            by_writer.setdefault(body["writer"], []).append(body["seq"])
        assert sorted(by_writer) == [str(n) for n in range(processes)]
        assert all(sorted(seqs) == list(range(per_process)) for seqs in by_writer.values())
    finally:
        await tail_store.close()


async def test_across_processes_exactly_one_append_with_the_same_expected_version_wins(
    store_url: str, tmp_path: Path
) -> None:
    streams, processes = 40, 3
    go_file = tmp_path / "go"
    with writers(store_url, "contest", streams, processes, go_file) as started:
        go_file.touch()
        outputs = []
        for process in started:
            out, err = await asyncio.to_thread(process.communicate, timeout=120)
            assert process.returncode == 0, err
            outputs.append(out)
    wins = [int(line.split()[1]) for out in outputs for line in out.splitlines() if line.startswith("won")]
    assert sorted(wins) == list(range(streams)), "every contested stream must have exactly one winner"
    store = await open_store(store_url)
    try:
        for n in range(streams):
            assert await store.stream_version(f"contest-{n}") == 1
    finally:
        await store.close()


async def test_a_killed_writer_loses_nothing_it_acknowledged(store_url: str, tmp_path: Path) -> None:
    go_file = tmp_path / "go"
    acknowledged: list[str] = []
    with writers(store_url, "forever", 0, 1, go_file) as started:
        (process,) = started
        go_file.touch()
        assert process.stdout is not None
        while len(acknowledged) < 400:
            line = await asyncio.to_thread(process.stdout.readline)
            assert line, process.stderr.read() if process.stderr else "writer died"
            acknowledged.append(line.split()[1])
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        # Anything the writer printed before dying was acknowledged too.
        rest = process.stdout.read()
        acknowledged += [line.split()[1] for line in rest.splitlines() if line.startswith("ack ")]
    store = await open_store(store_url)
    try:
        recorded = {e.event_id for e in await store.read_all(0, 1_000_000)}
        positions = [e.position for e in await store.read_all(0, 1_000_000)]
    finally:
        await store.close()
    missing = [event_id for event_id in acknowledged if event_id not in recorded]
    assert not missing, f"{len(missing)} acknowledged events were lost"
    assert positions == list(range(1, len(positions) + 1))
