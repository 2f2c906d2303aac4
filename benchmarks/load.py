"""Load benchmark: many chat sessions at once against a local server, checked against one user's answers.

Starts ``assistant serve`` on 127.0.0.1 (a free port, nowhere else) as a child process, and in this process
answers every session's conversation one question after another without the server: that gives both the
reference answers and the in-process rate. Then, for each number of sessions, that many gradio_client
sessions each ask their own conversation of three questions (the second a follow-up) through ``/respond``,
all at once, and every answer is compared with the reference. Prints, per number of sessions: errors,
cross-talk (an answer that is not the one this session's own conversation gets alone), p50/p95 wait per
answer, answers per second, and that rate as a share of the in-process rate. Bounded: each request times
out after ``--timeout`` seconds and each round after ``--max-seconds``.

    python benchmarks/load.py [--sessions 1,16,50] [--workers 0] [--timeout 60]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

FOLLOW_UPS = ("And for care leavers?", "What about children in care?", "And in 2019?", "Why?",
              "What did it recommend?")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def conversations(gold: Path, count: int) -> list[list[str]]:
    """``count`` different conversations of three questions: a gold-set question, a follow-up, another."""
    openers = [json.loads(line)["question"] for line in gold.read_text(encoding="utf-8").splitlines()
               if line.strip() and not json.loads(line).get("history")]
    return [[openers[i % len(openers)], FOLLOW_UPS[i % len(FOLLOW_UPS)], openers[(i + 7) % len(openers)]]
            for i in range(count)]


def fingerprint(answer: dict[str, Any]) -> tuple[Any, ...]:
    """What must be the same whoever else is asking: the question as understood, the answer, its sources."""
    return (answer["standalone_question"], answer["answer"],
            tuple((c["doc_id"], c["char_start"], c["char_end"]) for c in answer["citations"]))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, workers: int, wait_s: float) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ASSISTANT_HOST": "127.0.0.1", "ASSISTANT_PORT": str(port),
           "ASSISTANT_WORKERS": str(workers)}
    env.pop("ASSISTANT_AUTH", None)
    env.pop("ASSISTANT_AUTH_FILE", None)
    server = subprocess.Popen([sys.executable, "-m", "assistant", "serve"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server stopped: {server.stderr.read().decode() if server.stderr else ''}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit(f"The server did not answer on 127.0.0.1:{port} within {wait_s:.0f} s.")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def reference(assistant: Any, talks: list[list[str]]) -> tuple[list[list[tuple[Any, ...]]], float]:
    """Each conversation answered alone, in process, one question after another; and the answers per second."""
    assistant.ask("warm up")
    out = []
    started = time.perf_counter()
    for talk in talks:
        history: list[dict[str, str]] = []
        prints = []
        for question in talk:
            answer = assistant.ask(question, history).to_dict()
            history += [{"role": "user", "content": answer["question"]},
                        {"role": "assistant", "content": answer["answer"]}]
            prints.append(fingerprint(answer))
        out.append(prints)
    elapsed = time.perf_counter() - started
    return out, sum(len(t) for t in talks) / elapsed


def run_round(url: str, talks: list[list[str]], expected: list[list[tuple[Any, ...]]], sessions: int,
              timeout: float, max_seconds: float) -> dict[str, Any]:
    """``sessions`` clients at once, each asking its own conversation; every answer checked."""
    from gradio_client import Client

    # gradio_client opens a new httpx client for each request, and httpx loads the system's certificates into
    # each one (tens of ms of this process's CPU per answer, which a browser elsewhere would not cost this
    # machine). The server is plain HTTP on loopback, so no certificate is ever checked: skip loading them.
    clients = [Client(url, verbose=False, download_files=False, ssl_verify=False)
               for _ in range(sessions)]
    waits: list[float] = []
    errors: list[str] = []
    crosstalk = 0
    lock = threading.Lock()
    start = threading.Barrier(sessions)
    deadline = time.monotonic() + max_seconds

    def session(k: int) -> None:
        nonlocal crosstalk
        start.wait()
        for turn, question in enumerate(talks[k]):
            if time.monotonic() > deadline:
                with lock:
                    errors.append(f"session {k}: round time limit reached")
                return
            asked = time.perf_counter()
            try:
                chat, _box, answer = clients[k].submit(question, api_name="/respond").result(timeout=timeout)
            except Exception as exc:  # noqa: BLE001 - every failure is counted, none ends the round
                with lock:
                    errors.append(f"session {k}, question {turn + 1}: {type(exc).__name__}: {exc}")
                return
            waited = time.perf_counter() - asked
            wrong = fingerprint(answer) != expected[k][turn] or len(chat) != 2 * (turn + 1)
            with lock:
                waits.append(waited)
                crosstalk += wrong

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        list(pool.map(session, range(sessions)))
    wall = time.perf_counter() - began
    for client in clients:
        client.close()
    return {"sessions": sessions, "answers": len(waits), "errors": errors, "crosstalk": crosstalk,
            "p50": percentile(waits, 50), "p95": percentile(waits, 95), "max": max(waits, default=float("nan")),
            "rate": len(waits) / wall if wall else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", default="1,16,50", help="Numbers of concurrent sessions, comma-separated.")
    parser.add_argument("--workers", type=int, default=0, help="ASSISTANT_WORKERS for the server (0: one per core).")
    parser.add_argument("--timeout", type=float, default=60.0, help="Seconds one answer may take.")
    parser.add_argument("--max-seconds", type=float, default=300.0, help="Seconds one round may take.")
    parser.add_argument("--questions", type=Path, default=Path("eval/questions.jsonl"))
    args = parser.parse_args()
    counts = [int(n) for n in args.sessions.split(",") if n.strip()]
    if not counts or min(counts) < 1 or max(counts) > 200:
        raise SystemExit("--sessions takes numbers from 1 to 200, such as 1,16,50.")

    logging_quiet()
    from assistant.index.embedding import single_threaded
    from assistant.pipeline import Assistant

    talks = conversations(args.questions, max(counts))
    assistant = Assistant.load()  # builds ./index first when needed, before the server reads it
    port = free_port()
    server = start_server(port, args.workers, wait_s=300)
    try:
        # In process, as the server runs: torch and FAISS on one thread (the fastest for one question at a time).
        single_threaded()
        expected, in_process = reference(assistant, talks)
        print(f"in process, one question after another: {in_process:.1f} answers/s "
              f"({sum(len(t) for t in talks)} answers)", flush=True)
        print(f"server: 127.0.0.1:{port}, workers={args.workers or os.cpu_count()}")
        print(f"{'sessions':>8} {'answers':>7} {'errors':>6} {'cross-talk':>10} {'p50 s':>6} {'p95 s':>6} "
              f"{'max s':>6} {'answers/s':>9} {'vs in-process':>13}", flush=True)
        failed = False
        warm_up = run_round(f"http://127.0.0.1:{port}/", talks, expected, 1, args.timeout, args.max_seconds)
        if warm_up["errors"]:
            print(f"    warm-up: {warm_up['errors'][0]}")
        for n in counts:
            r = run_round(f"http://127.0.0.1:{port}/", talks, expected, n, args.timeout, args.max_seconds)
            # The machine may be shared and its speed drift: each round is compared with the mean of the
            # in-process rates measured just before and just after it.
            _, after = reference(assistant, talks)
            baseline = (in_process + after) / 2
            print(f"{n:>8} {r['answers']:>7} {len(r['errors']):>6} {r['crosstalk']:>10} {r['p50']:>6.2f} "
                  f"{r['p95']:>6.2f} {r['max']:>6.2f} {r['rate']:>9.1f} {r['rate'] / baseline:>13.2f}"
                  f"   (in process {in_process:.1f} before, {after:.1f} after)", flush=True)
            for error in r["errors"][:5]:
                print(f"    {error}")
            failed |= bool(r["errors"] or r["crosstalk"])
            in_process = after
    finally:
        stop_server(server)
    sys.exit(1 if failed else 0)


def logging_quiet() -> None:
    import logging

    logging.basicConfig(level=logging.ERROR)
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.ERROR)  # bm25s sets its own logger to DEBUG when imported
    for name in ("httpx", "gradio_client", "assistant"):
        logging.getLogger(name).setLevel(logging.ERROR)


if __name__ == "__main__":
    main()
