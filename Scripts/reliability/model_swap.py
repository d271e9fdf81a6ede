#!/usr/bin/env python3
"""Model swap under load: change the active model every 2 s while 16 clients classify.

Serves --model twice (as swap-a and swap-b) with the admin API enabled (a
random token) and a scratch model_dir. For --seconds (default 60, --quick 20)
16 connections POST /classify without ?model=, while the admin side
- swaps the active model every --interval seconds (PUT /admin/active-model),
- once loads a third copy from model_dir and activates it (POST /admin/models),
  swaps away from it and removes it (DELETE /admin/models/{name}),
- once POSTs a corrupt model, which must answer 422 and leave the pool as it was.
Passes with zero failed requests, every admin call answered as documented and
answers coming from every model that was active.

    Scripts/reliability/model_swap.py [--quick] [--seconds S] [--interval 2]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fovea_reliability.bootstrap  # noqa: E402,F401  (re-executes in .build/bench-venv)

import asyncio  # noqa: E402
import copy  # noqa: E402
import json  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402

from fovea_bench import paths  # noqa: E402
from fovea_bench.services import http_request  # noqa: E402
from fovea_reliability import scenario  # noqa: E402
from fovea_reliability.load import closed_loop, latencies_ms, percentile  # noqa: E402
from fovea_reliability.verdict import Verdict  # noqa: E402


def prepare_model_dir(entry: dict) -> Path:
    """model_dir with a copy of the model (symlinks out of it are refused) and a corrupt one."""
    directory = paths.scratch_dir("reliability", "model-swap", "models")
    good = directory / "copy"
    good.mkdir(exist_ok=True)
    shutil.copyfile(entry["path"], good / "model.onnx")
    if entry.get("labels"):
        shutil.copyfile(entry["labels"], good / "labels.txt")
    corrupt = directory / "corrupt"
    corrupt.mkdir(exist_ok=True)
    original = Path(entry["path"]).read_bytes()
    # A real header followed by garbage: the loader must get past the start to notice.
    (corrupt / "model.onnx").write_bytes(original[: len(original) // 3] + secrets.token_bytes(4096))
    return directory


def main() -> int:
    parser = scenario.options(__doc__.splitlines()[0], default_seconds=60, quick_seconds=20)
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between swaps")
    parser.add_argument("--concurrency", type=int, default=16)
    args = scenario.parse(parser)
    verdict = Verdict("model swap")
    body = scenario.image_bytes(args.image)
    entry = scenario.model_entry(args)
    model_dir = prepare_model_dir(entry)
    token = secrets.token_hex(16)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    first, second = copy.deepcopy(entry), copy.deepcopy(entry)
    first["name"], second["name"] = "swap-a", "swap-b"
    server = scenario.start_server(args, "model-swap", models=[first, second], admin_token=token, model_dir=model_dir)

    def admin(method: str, path: str, payload: dict | None = None):
        status, _, answer = http_request(server.port, method, path,
                                         json.dumps(payload).encode() if payload is not None else None, auth)
        return status, answer

    def pool_state() -> tuple:
        status, answer = admin("GET", "/admin/models")
        listing = json.loads(answer)
        return status, listing["active"], sorted((m["name"], m.get("path")) for m in listing["models"])

    load_request = {"name": "swap-c", "path": "copy/model.onnx", "activate": True}
    if entry.get("labels"):
        load_request["labels"] = "copy/labels.txt"
    for key in ("preprocess", "output", "top_k", "batching"):
        if key in entry:
            load_request[key] = entry[key]
    events: dict[str, list] = {"swaps": [], "load": [], "remove": [], "corrupt": [], "unchanged": []}

    async def admin_side(stop_at: float) -> None:
        names, turn = ["swap-a", "swap-b"], 0
        loaded = corrupt_done = False
        start = time.monotonic()
        while time.monotonic() + args.interval < stop_at:
            await asyncio.sleep(args.interval)
            elapsed = time.monotonic() - start
            if not loaded and elapsed >= args.seconds / 4:
                loaded = True
                status, answer = await asyncio.to_thread(admin, "POST", "/admin/models", load_request)
                events["load"].append((status, answer[:200]))
                await asyncio.sleep(args.interval)
                # Swapping away from swap-c, then removing it while requests may still use it.
                turn += 1
                status, _ = await asyncio.to_thread(admin, "PUT", "/admin/active-model", {"model": names[turn % 2]})
                events["swaps"].append(status)
                status, answer = await asyncio.to_thread(admin, "DELETE", "/admin/models/swap-c")
                events["remove"].append((status, answer[:200]))
                continue
            if not corrupt_done and elapsed >= args.seconds / 2:
                corrupt_done = True
                before = await asyncio.to_thread(pool_state)
                status, answer = await asyncio.to_thread(admin, "POST", "/admin/models",
                                                         {**load_request, "name": "corrupt",
                                                          "path": "corrupt/model.onnx"})
                events["corrupt"].append((status, answer[:300]))
                after = await asyncio.to_thread(pool_state)
                events["unchanged"].append((before, after))
                continue
            turn += 1
            status, _ = await asyncio.to_thread(admin, "PUT", "/admin/active-model", {"model": names[turn % 2]})
            events["swaps"].append(status)

    async def run() -> object:
        stop_at = time.monotonic() + args.seconds
        load = asyncio.create_task(closed_loop(server.port, body, args.concurrency, args.seconds, 1_000_000))
        await admin_side(stop_at)
        return await load

    try:
        report = asyncio.run(run())
        ok = report.ok
        counts = report.status_counts()
        print(f"answers: {counts}; p50 {percentile(latencies_ms(ok), 50):.1f} ms, "
              f"p99 {percentile(latencies_ms(ok), 99):.1f} ms", flush=True)
        verdict.check("zero failed requests during swaps", ok and not report.failed,
                      ", ".join(f"{k}: {v}" for k, v in counts.items()))
        swaps = events["swaps"]
        verdict.check("every swap answered 200", swaps and all(s == 200 for s in swaps),
                      f"{len(swaps)} swaps, statuses {sorted(set(swaps))}")
        verdict.check("a model loaded under load answers 201",
                      bool(events["load"]) and events["load"][0][0] == 201,
                      str(events["load"][0] if events["load"] else "not attempted"))
        verdict.check("an inactive model removed under load",
                      bool(events["remove"]) and events["remove"][0][0] in (200, 204),
                      str(events["remove"][0] if events["remove"] else "not attempted"))
        verdict.check("a corrupt model answers 422",
                      bool(events["corrupt"]) and events["corrupt"][0][0] == 422,
                      str(events["corrupt"][0] if events["corrupt"] else "not attempted"))
        verdict.check("the pool is unchanged after the corrupt model",
                      bool(events["unchanged"]) and events["unchanged"][0][0] == events["unchanged"][0][1],
                      str(events["unchanged"][0] if events["unchanged"] else "not attempted"))
        served = {o.model for o in ok}
        verdict.check("answers came from every model made active", {"swap-a", "swap-b", "swap-c"} <= served,
                      f"models seen in answers: {sorted(m for m in served if m)}")
    finally:
        scenario.stop_server(server, verdict)
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
