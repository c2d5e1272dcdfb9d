#!/usr/bin/env python3
"""spavl benchmarks: one command per scenario, on the real local stack (benchmarks/README.md).

    benchmarks/run scale [--quadruples N] [--keep]        SPA-VL scale: zero-latency models, offline judge
    benchmarks/run kafka-ceiling [--records N]            the broker's own producer/consumer performance tools
    benchmarks/run saturation [--seconds S]               models with 1-8 s latency and per-lane concurrency
    benchmarks/run footprint                              idle RSS and start-up time of each service

Each scenario starts its own stack with ./spavl (its own SPAVL_HOME and database prefix; ports from the usual
SPAVL_*_PORT variables), measures, writes report.json and report.md under benchmarks/target/<scenario>/ (or --out)
and stops the stack again. Python 3 standard library only; process figures come from /proc.
"""
import argparse
import datetime
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPAVL = os.path.join(ROOT, "spavl")
KAFKA_LIB = os.path.join(ROOT, "deploy", "local", "kafka", "target", "lib")
TAXONOMY = os.path.join(ROOT, "services", "taxonomy", "src", "main", "resources", "dev", "spavl", "taxonomy",
                        "spa-vl-taxonomy.tsv")
SERVICES = ["generator", "responder", "judge", "packager"]
COMPONENTS = ["kafka", "registry"] + SERVICES
# the paper's 12 models (services/responder/CATALOG.md), and the environment spelling of their catalog entries
MODEL_IDS = ["otter", "mplug-owl", "lamm-sft", "llama-adapter-v2", "minigpt-4", "instructblip", "lamm", "llava-1.5-7b",
             "internlm-xcomposer", "qwen-vl-chat", "gemini-pro-vision", "gemini-pro-vision-jb"]
MODEL_ENV_IDS = [re.sub(r"[^A-Z0-9]", "_", m.upper()) for m in MODEL_IDS]
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def log(msg):
    print(f"[bench {datetime.datetime.now().strftime('%H:%M:%S')}] {msg}", flush=True)


def fail(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


# ------------------------------------------------------------------------------------------------ the stack
class Stack:
    """A stack started with ./spavl in its own home, database prefix and environment."""

    def __init__(self, home, env_extra):
        self.home = home
        self.env = dict(os.environ)
        self.env["SPAVL_HOME"] = home
        self.env.setdefault("SPAVL_DB_PREFIX", "spavl_bench_")
        self.env.update(env_extra)
        self.status = None

    def spavl(self, *args, check=True, quiet=False):
        out = subprocess.DEVNULL if quiet else None
        r = subprocess.run([SPAVL, *args], env=self.env, cwd=ROOT, stdout=out)
        if check and r.returncode != 0:
            fail(f"./spavl {' '.join(args)} failed (exit {r.returncode}); logs under {self.home}/logs")
        return r

    def up(self):
        self.spavl("up")
        self.refresh()

    def down(self, purge=True):
        self.spavl("down", *(["--purge"] if purge else []), check=False)

    def refresh(self):
        out = subprocess.run([SPAVL, "status", "--json"], env=self.env, cwd=ROOT, capture_output=True, text=True).stdout
        self.status = json.loads(out)
        return self.status

    def component(self, name):
        return next(c for c in self.status["components"] if c["name"] == name)

    def url(self, name):
        return self.component(name)["url"]

    def pid(self, name):
        return self.component(name)["pid"]

    def bootstrap(self):
        return f"127.0.0.1:{self.component('kafka')['port']}"

    def topic_prefix(self):
        return self.env.get("SPAVL_TOPIC_PREFIX", "spavl")

    def db_prefix(self):
        return self.env["SPAVL_DB_PREFIX"]


def http_json(url, body=None, headers=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})},
                                 method="POST" if body is not None else "GET")
    with urllib.request.urlopen(req, timeout=timeout) as r:
        text = r.read().decode()
        return json.loads(text) if text else {}


def http_text(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def prometheus_samples(text, name):
    """(labels dict, value) of every sample of one metric family in Prometheus text."""
    out = []
    for line in text.splitlines():
        if not line.startswith(name):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)', line)
        if not m or m.group(1) != name:
            continue
        labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        try:
            out.append((labels, float(m.group(4))))
        except ValueError:
            pass
    return out


def metric_sum(text, name, **match):
    return sum(v for labels, v in prometheus_samples(text, name) if all(labels.get(k) == w for k, w in match.items()))


# ------------------------------------------------------------------------------------------- process figures
def proc_stat(pid):
    """(cpu seconds, rss kB, peak rss kB) of a live process, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14, 15 of stat)
        rss = hwm = 0
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
        return cpu, rss, hwm
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return None


def launch_of(pid):
    """(command line, environment, working directory) of a running process, to start it again as it was started."""
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        cmdline = [a.decode() for a in f.read().split(b"\0") if a]
    with open(f"/proc/{pid}/environ", "rb") as f:
        environ = dict(a.decode().split("=", 1) for a in f.read().split(b"\0") if b"=" in a)
    return cmdline, environ, os.readlink(f"/proc/{pid}/cwd")


def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (FileNotFoundError, PermissionError, ProcessLookupError):
        pass
    return 0


def postgres_pids():
    pids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/comm") as f:
                    if f.read().strip() in ("postgres", "postmaster"):
                        pids.append(int(d))
            except OSError:
                pass
    return pids


def machine_cpu():
    """(busy, total) jiffies of the whole machine."""
    with open("/proc/stat") as f:
        parts = [int(x) for x in f.readline().split()[1:]]
    idle = parts[3] + parts[4]
    return sum(parts) - idle, sum(parts)


class Sampler(threading.Thread):
    """Every `interval` s: CPU and RSS of each component and of PostgreSQL (all its processes, PSS, since its
    backends share memory), the machine's CPU, and the pipeline's counters and consumer lag from /q/metrics."""

    def __init__(self, stack, path, interval=5.0):
        super().__init__(daemon=True)
        self.stack, self.path, self.interval = stack, path, interval
        self.pids = {n: stack.pid(n) for n in COMPONENTS}
        self.stop_flag = threading.Event()
        self.first = {}
        self.last = {}
        self.peak_rss = {}
        self.pg_cpu = {}
        self.pg_cpu_first = None
        self.pg_peak = 0
        self.machine_first = machine_cpu()
        self.samples = []

    def run(self):
        with open(self.path, "w") as out:
            while not self.stop_flag.is_set():
                sample = self.take()
                out.write(json.dumps(sample) + "\n")
                out.flush()
                self.stop_flag.wait(self.interval)
            self.take()

    def take(self):
        now = time.time()
        sample = {"t": now, "proc": {}, "metrics": {}}
        for name, pid in self.pids.items():
            st = proc_stat(pid)
            if st:
                cpu, rss, hwm = st
                self.first.setdefault(name, cpu)
                self.last[name] = cpu
                self.peak_rss[name] = max(self.peak_rss.get(name, 0), hwm, rss)
                sample["proc"][name] = {"cpu": cpu, "rss_kb": rss}
        total_pss = 0
        for pid in postgres_pids():
            st = proc_stat(pid)
            if st:
                self.pg_cpu[pid] = st[0]
                total_pss += pss_kb(pid)
        pg_cpu = sum(self.pg_cpu.values())
        if self.pg_cpu_first is None:
            self.pg_cpu_first = pg_cpu
        self.pg_peak = max(self.pg_peak, total_pss)
        sample["proc"]["postgresql"] = {"cpu": pg_cpu, "pss_kb": total_pss}
        busy, total = machine_cpu()
        sample["machine"] = {"busy": busy, "total": total}
        for name in SERVICES:
            try:
                text = http_text(self.stack.url(name) + "/q/metrics", timeout=4)
            except (urllib.error.URLError, OSError):
                continue
            if name == "generator":
                sample["metrics"]["questions"] = metric_sum(text, "spavl_generator_questions_total")
            elif name == "responder":
                sample["metrics"]["answers"] = metric_sum(text, "spavl_responder_requests_total")
                sample["metrics"]["call_seconds_sum"] = {l["model"]: v for l, v in prometheus_samples(text, "spavl_responder_model_call_seconds_sum")}
                sample["metrics"]["call_seconds_count"] = {l["model"]: v for l, v in prometheus_samples(text, "spavl_responder_model_call_seconds_count")}
                sample["metrics"]["answers_by_model"] = {}
                for l, v in prometheus_samples(text, "spavl_responder_requests_total"):
                    sample["metrics"]["answers_by_model"][l["model"]] = sample["metrics"]["answers_by_model"].get(l["model"], 0) + v
            elif name == "judge":
                sample["metrics"]["labels"] = metric_sum(text, "spavl_judge_assessments_total")
                sample["metrics"]["pairs_judged"] = metric_sum(text, "spavl_judge_pairs_total")
            elif name == "packager":
                sample["metrics"]["quadruples"] = metric_sum(text, "spavl_packager_quadruples_total")
                sample["metrics"]["lag"] = {f'{l["group"]} {l["topic"]}': v
                                            for l, v in prometheus_samples(text, "spavl_consumer_lag_records") if v > 0}
        self.samples.append(sample)
        return sample

    def finish(self):
        self.stop_flag.set()
        self.join()
        busy0, total0 = self.machine_first
        busy1, total1 = machine_cpu()
        per = {}
        for name in self.pids:
            if name in self.last:
                per[name] = {"cpu_seconds": round(self.last[name] - self.first[name], 1),
                             "peak_rss_mb": round(self.peak_rss[name] / 1024, 1)}
        per["postgresql"] = {"cpu_seconds": round(sum(self.pg_cpu.values()) - (self.pg_cpu_first or 0), 1),
                             "peak_rss_mb": round(self.pg_peak / 1024, 1), "note": "all postgres processes, PSS"}
        cores = os.cpu_count()
        return per, round(100.0 * (busy1 - busy0) / max(1, total1 - total0), 1), cores


# --------------------------------------------------------------------------------------------- kafka tools
def kafka_tool(cls, *args, timeout=1800):
    cmd = ["java", "-Xmx512m", "-cp", os.path.join(KAFKA_LIB, "*"),
           f"-Dlog4j2.configurationFile={os.path.join(ROOT, 'deploy', 'local', 'kafka', 'config', 'log4j2.properties')}",
           cls, *args]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        fail(f"{cls} failed (exit {r.returncode}): {r.stderr[-2000:]}")
    return r.stdout


def topic_records(stack):
    """topic -> records appended (end minus earliest offsets, summed over partitions)."""
    pattern = re.escape(stack.topic_prefix()) + r"\..*"
    ends = kafka_tool("org.apache.kafka.tools.GetOffsetShell", "--bootstrap-server", stack.bootstrap(),
                      "--topic", pattern, "--time", "-1")
    starts = kafka_tool("org.apache.kafka.tools.GetOffsetShell", "--bootstrap-server", stack.bootstrap(),
                        "--topic", pattern, "--time", "-2")

    def parse(text):
        out = {}
        for line in text.splitlines():
            parts = line.rsplit(":", 2)
            # topic:partition:offset lines only (the tool may log other lines on the same stream)
            if len(parts) == 3 and parts[0].startswith(stack.topic_prefix() + ".") and parts[2].strip().lstrip("-").isdigit():
                out[(parts[0], parts[1])] = int(parts[2])
        return out

    e, s = parse(ends), parse(starts)
    per_topic = {}
    for key, end in e.items():
        per_topic[key[0]] = per_topic.get(key[0], 0) + end - s.get(key, 0)
    return per_topic


def topic_bytes(stack):
    """topic -> bytes on disk (LogDirsCommand, all partitions)."""
    out = kafka_tool("org.apache.kafka.tools.LogDirsCommand", "--bootstrap-server", stack.bootstrap(), "--describe")
    line = next((l for l in out.splitlines() if l.startswith("{")), "{}")
    per_topic = {}
    for broker in json.loads(line).get("brokers", []):
        for d in broker.get("logDirs", []):
            for p in d.get("partitions", []):
                topic = p["partition"].rsplit("-", 1)[0]
                per_topic[topic] = per_topic.get(topic, 0) + p["size"]
    return per_topic


def database_sizes(stack):
    s = stack.status["postgres"]
    sql = f"select datname, pg_database_size(datname) from pg_database where datname like '{stack.db_prefix()}%'"
    r = subprocess.run(["psql", "-h", s["host"], "-p", str(s["port"]), "-U", stack.env.get("SPAVL_PG_USER", "postgres"),
                        "-d", "postgres", "-Atc", sql], capture_output=True, text=True)
    sizes = {}
    for line in r.stdout.splitlines():
        name, size = line.split("|")
        sizes[name] = int(size)
    return sizes


# ---------------------------------------------------------------------------------------------- reporting
def machine_description():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    # the JVM announces JAVA_TOOL_OPTIONS (a profiling run's JFR options) before its version
    java = next(l for l in subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
                if not l.startswith("Picked up"))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "cpu": f"{os.cpu_count()} x {cpu}", "memory_gib": round(mem_kb / 1024 / 1024, 1),
            "kernel": platform.release(), "java": java, "commit": commit + ("+local changes" if dirty else ""),
            **({"java_tool_options": os.environ["JAVA_TOOL_OPTIONS"]} if os.environ.get("JAVA_TOOL_OPTIONS") else {})}


def write_report(out_dir, scenario, command, machine, figures, markdown_lines):
    os.makedirs(out_dir, exist_ok=True)
    report = {"scenario": scenario, "command": command, "machine": machine, **figures}
    with open(os.path.join(out_dir, "report.json"), "w") as f:
        json.dump(report, f, indent=2)
    md = [f"### {scenario}", "", f"- command: `{command}`",
          f"- machine: {machine['cpu']}, {machine['memory_gib']} GiB, Linux {machine['kernel']}, {machine['java']}",
          f"- date: {machine['date']}, commit {machine['commit']}"]
    if machine.get("java_tool_options"):
        md.append(f"- JAVA_TOOL_OPTIONS: `{machine['java_tool_options']}` (every JVM of the stack)")
    md += [""] + markdown_lines
    with open(os.path.join(out_dir, "report.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md), flush=True)
    log(f"report: {out_dir}/report.md and report.json")


def fmt(n, digits=0):
    return f"{n:,.{digits}f}"


# ------------------------------------------------------------------------------------------------- inputs
def image_set(count):
    """A manifest of `count` distinct synthetic pictures over the taxonomy's 53 subcategories (cached)."""
    images = os.path.join(ROOT, "benchmarks", "target", "images")
    os.makedirs(images, exist_ok=True)
    log(f"drawing {count} synthetic pictures (kept between runs) under {images}")
    subprocess.run(["java", os.path.join(ROOT, "examples", "SyntheticImages.java"), "--set", images, str(count), TAXONOMY],
                   check=True)
    leaves = []
    with open(TAXONOMY, encoding="utf-8") as f:
        for line in f.read().splitlines()[1:]:
            cols = line.split("\t")
            if len(cols) >= 3:
                leaves.append(cols[:3])
    manifest = os.path.join(images, f"manifest-{count}.jsonl")
    with open(manifest, "w", encoding="utf-8") as f:
        for i in range(count):
            c1, c2, c3 = leaves[i % len(leaves)]
            f.write(json.dumps({"path": f"{c1}/{c2}/{c3}/synthetic-{i // len(leaves) + 1}.png",
                                "class1": c1, "class2": c2, "class3": c3}) + "\n")
    return manifest


def start_run(stack, manifest, key, seed=2406, extra=None):
    body = {"source": manifest, "fanOut": "all", "seed": seed, "requestedBy": "benchmarks", **(extra or {})}
    response = http_json(stack.url("generator") + "/api/runs", body, {"Idempotency-Key": key})
    return response["runId"]


def zero_latency_env():
    env = {}
    for m in MODEL_ENV_IDS:
        env[f"SPAVL_MODELS_{m}_PERSONA_LATENCY_MEAN_MS"] = "0"
        env[f"SPAVL_MODELS_{m}_PERSONA_LATENCY_STDDEV_MS"] = "0"
        env[f"SPAVL_MODELS_{m}_PERSONA_LATENCY_MIN_MS"] = "0"
    return env


# -------------------------------------------------------------------------------------------------- scale
# Share of questions that end in a quadruple with zero-latency personas and the offline judge (93.3% measured at
# 2,001 and 10,002 questions: the rest close unresolved after three tied or inconsistent pairs), rounded down, so
# that a run sized for N quadruples makes at least N.
RESOLVED_SHARE = 0.92


def scenario_scale(args):
    quadruples = args.quadruples
    images = math.ceil(quadruples / 3 / RESOLVED_SHARE)
    out_dir = args.out or os.path.join(ROOT, "benchmarks", "target", "scale")
    home = os.path.join(out_dir, "home")
    shutil.rmtree(home, ignore_errors=True)
    manifest = image_set(images)
    env = zero_latency_env()
    # the whole run may be in flight at once: the generator's backpressure bound is for real models' budgets
    env.setdefault("SPAVL_GENERATOR_WORKER_MAX_OUTSTANDING_REQUESTS", str(images * 3 * 12 + 1))
    env["SPAVL_INPUT_ROOTS"] = os.path.dirname(manifest)
    env["SPAVL_RUN_TIMEOUT"] = str(args.timeout)
    stack = Stack(home, env)
    stack.down(purge=True)
    try:
        stack.up()
        sampler = Sampler(stack, os.path.join(out_dir, "timeline.jsonl"), args.interval)
        sampler.start()
        t0 = time.time()
        run_id = start_run(stack, manifest, f"bench-scale-{images}-{int(t0)}")
        log(f"run {run_id}: {images} images -> {images * 3} questions x 12 models")
        first_quad = None
        last_print = 0
        deadline = t0 + args.timeout
        pkg, pkg_read = {}, 0
        while True:
            gen_run = http_json(stack.url("generator") + f"/api/runs/{run_id}")
            gen = {**gen_run, **(gen_run.get("progress") or {})}
            # the packager's run view counts the run's answers, pairs and quadruples in PostgreSQL, a cost that grows
            # with the run: one read took 1-2 s at 57,000 questions, so reading it every 2 s kept PostgreSQL busy on
            # the harness's behalf. Every 10 s while the input comes in (the packager may answer with counts a few
            # seconds old), every 2 s and counted afresh once the generator is done, so the end is seen within 2 s.
            done = gen.get("status") == "COMPLETED"
            if done or time.time() - pkg_read >= 10:
                pkg, pkg_read = packager_run(stack, run_id, fresh=done), time.time()
            questions = gen.get("easyQuestions", 0) + gen.get("hardQuestions", 0) + gen.get("hardStatements", 0)
            closed = progress_count(pkg, "RESOLVED") + progress_count(pkg, "UNRESOLVED")
            quads = map_sum(pkg, "quadruplesBySplit")
            if quads and first_quad is None:
                first_quad = time.time()
            if time.time() - last_print >= 30:
                log(f"{time.time() - t0:6.0f} s  images {gen.get('imagesAccepted', 0)}/{images}  questions {questions}  "
                    f"answers {gen.get('responsesReceived', 0)}/{gen.get('requestsDispatched', 0)}  closed {closed}  quadruples {quads}")
                last_print = time.time()
            if gen.get("status") == "FAILED":
                fail(f"the run failed: {gen.get('failure')}")
            if gen.get("status") == "COMPLETED" and questions and closed >= questions:
                break
            if time.time() > deadline:
                fail(f"not finished after {args.timeout} s; the stack stays up under {home}")
            time.sleep(2)
        t_closed = time.time()
        per_process, machine_busy, cores = sampler.finish()
        wall = t_closed - t0
        log(f"all {questions} questions closed after {wall:.0f} s; exporting")
        t_export = time.time()
        http_json(stack.url("packager") + f"/api/runs/{run_id}/export", {})
        while True:
            state = http_json(stack.url("packager") + f"/api/runs/{run_id}/export").get("state")
            if state in ("DONE", "FAILED"):
                break
            time.sleep(2)
        export_seconds = time.time() - t_export
        records = topic_records(stack)
        disk = topic_bytes(stack)
        dbs = database_sizes(stack)
        export_dir = os.path.join(home, "exports", run_id)
        export_bytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(export_dir) for f in fs)
        figures = scale_figures(stack, run_id, images, questions, quads, closed, wall, first_quad - t0 if first_quad else None,
                                records, disk, dbs, per_process, machine_busy, cores, export_seconds, state, export_bytes,
                                args)
        command = f"benchmarks/run scale --quadruples {quadruples}"
        write_report(out_dir, "SPA-VL scale", command, machine_description(), figures, scale_markdown(figures))
    finally:
        if not args.keep:
            stack.down(purge=True)


# ---------------------------------------------------------------------------------------------- generator
def scenario_generator(args):
    """The generator alone at full pace: every lane alive but idle (each call takes an hour), no backpressure."""
    images = args.images
    out_dir = args.out or os.path.join(ROOT, "benchmarks", "target", "generator")
    home = os.path.join(out_dir, "home")
    shutil.rmtree(home, ignore_errors=True)
    manifest = image_set(images)
    env = {"SPAVL_INPUT_ROOTS": os.path.dirname(manifest),
           "SPAVL_GENERATOR_WORKER_MAX_OUTSTANDING_REQUESTS": str(images * 3 * 12 + 1)}
    for m in MODEL_ENV_IDS:
        # the lanes heartbeat (so the run fans out to all 12) and take one request each, then sleep
        env[f"SPAVL_MODELS_{m}_CONCURRENCY"] = "1"
        env[f"SPAVL_MODELS_{m}_PERSONA_LATENCY_MEAN_MS"] = "3600000"
        env[f"SPAVL_MODELS_{m}_PERSONA_LATENCY_STDDEV_MS"] = "0"
        env[f"SPAVL_MODELS_{m}_PERSONA_LATENCY_MIN_MS"] = "3600000"
    stack = Stack(home, env)
    stack.down(purge=True)
    try:
        stack.up()
        before = proc_stat(stack.pid("generator"))
        t0 = time.time()
        run_id = start_run(stack, manifest, f"bench-generator-{images}-{int(t0)}")
        log(f"run {run_id}: {images} images -> {images * 3} questions x 12 models, lanes idle")
        while True:
            gen_run = http_json(stack.url("generator") + f"/api/runs/{run_id}")
            if gen_run.get("status") in ("COMPLETED", "FAILED", "CANCELLED"):
                break
            if time.time() - t0 > args.timeout:
                fail(f"not finished after {args.timeout} s; the stack stays up under {home}")
            time.sleep(0.5)
        wall = time.time() - t0
        after = proc_stat(stack.pid("generator"))
        if gen_run.get("status") != "COMPLETED":
            fail(f"the run ended {gen_run.get('status')}: {gen_run.get('failure')}")
        g = gen_run["progress"]
        questions = g["easyQuestions"] + g["hardQuestions"] + g["hardStatements"]
        cpu = after[0] - before[0]
        figures = {"images": g["imagesAccepted"], "questions": questions, "requests": g["requestsDispatched"],
                   "wall_seconds": round(wall, 1), "images_per_second": round(g["imagesAccepted"] / wall, 1),
                   "questions_per_second": round(questions / wall, 1),
                   "requests_per_second": round(g["requestsDispatched"] / wall, 1),
                   "generator_cpu_seconds": round(cpu, 1),
                   "generator_cpu_ms_per_question": round(1000 * cpu / questions, 2),
                   "generator_peak_rss_mb": round(after[2] / 1024)}
        lines = [f"- {images} synthetic pictures fanned out to the 12 simulated lanes, which are alive but idle (each takes "
                 "one request and sleeps an hour); no backpressure; from the run's acceptance to the generator's COMPLETED",
                 "", "| figure | value |", "|---|---:|",
                 f"| wall time | {wall:.1f} s |",
                 f"| images / questions / requests published | {fmt(g['imagesAccepted'])} / {fmt(questions)} / {fmt(g['requestsDispatched'])} |",
                 f"| images/s, questions/s, requests/s | {figures['images_per_second']} / {figures['questions_per_second']} / "
                 f"{figures['requests_per_second']} |",
                 f"| generator CPU seconds (ms per question) | {cpu:.1f} ({figures['generator_cpu_ms_per_question']}) |",
                 f"| generator peak RSS | {figures['generator_peak_rss_mb']} MB |"]
        write_report(out_dir, "Generator alone", f"benchmarks/run generator --images {images}", machine_description(),
                     figures, lines)
    finally:
        stack.down(purge=True)


def packager_run(stack, run_id, fresh=False):
    """The packager's view of the run ({} until the packager has recorded it); fresh: counted now, not reused."""
    try:
        return http_json(stack.url("packager") + f"/api/runs/{run_id}", headers={"Cache-Control": "no-cache"} if fresh else None)
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return {}
        raise


def progress_count(pkg, state):
    return ((pkg.get("progress") or {}).get("questionsByState") or {}).get(state, 0)


def map_sum(pkg, key):
    return sum(((pkg.get("progress") or {}).get(key) or {}).values())


def ceiling_figures():
    path = os.path.join(ROOT, "benchmarks", "target", "kafka-ceiling", "report.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def scale_figures(stack, run_id, images, questions, quads, closed, wall, first_quad, records, disk, dbs, per_process,
                  machine_busy, cores, export_seconds, export_state, export_bytes, args):
    target = args.quadruples
    prefix = stack.topic_prefix() + "."
    produced = {t: n for t, n in sorted(records.items()) if n > 0}
    total_events = sum(produced.values())
    # records each consumer group reads (docs/architecture.md, Topics): what the pipeline makes the broker serve
    readers = {"runs": 1, "images": 1, "questions": 2, "responses": 3, "assessments": 1, "pairs": 1, "verdicts": 1,
               "responders": 1}
    consumed = 0
    for t, n in produced.items():
        short = t[len(prefix):]
        if short.startswith("requests.") and not short.endswith(".dlq"):
            consumed += n
        else:
            consumed += n * readers.get(short, 0)
    sizes = {t: round(disk.get(t, 0) / n) for t, n in produced.items() if n}
    mean_size = round(sum(disk.get(t, 0) for t in produced) / max(1, total_events))
    figures = {
        "run_id": run_id, "images": images, "questions": questions, "quadruples": quads, "closed": closed,
        "target_quadruples": target, "target_met": quads >= target,
        "wall_seconds": round(wall, 1), "first_quadruple_seconds": round(first_quad, 1) if first_quad else None,
        "quadruples_per_second": round(quads / wall, 1),
        "events_total": total_events, "events_per_second": round(total_events / wall, 1),
        "consumed_records_total": consumed, "consumed_per_second": round(consumed / wall, 1),
        "events_per_topic": produced, "events_per_second_per_topic": {t: round(n / wall, 1) for t, n in produced.items()},
        "bytes_per_record_on_disk": sizes, "mean_bytes_per_record_on_disk": mean_size,
        "processes": per_process, "machine_cpu_busy_percent": machine_busy, "cores": cores,
        "postgresql_bytes": dbs, "export_seconds": round(export_seconds, 1), "export_state": export_state,
        "export_bytes": export_bytes,
    }
    ceiling = ceiling_figures()
    if ceiling:
        figures["kafka_ceiling"] = {"producer_records_per_second": ceiling["producer"]["records_per_second"],
                                    "consumer_records_per_second": ceiling["consumer"]["records_per_second"],
                                    "record_size": ceiling["record_size"]}
        figures["ratio_to_ceiling"] = {
            "produce": round(figures["events_per_second"] / ceiling["producer"]["records_per_second"], 3),
            "consume": round(figures["consumed_per_second"] / ceiling["consumer"]["records_per_second"], 3)}
    return figures


def scale_markdown(f):
    lines = [f"- run: {fmt(f['images'])} images, {fmt(f['questions'])} questions, 12 models each, "
             f"**{fmt(f['quadruples'])} quadruples** ({fmt(f['closed'] - f['quadruples'])} questions unresolved; target "
             f"{fmt(f['target_quadruples'])} {'met' if f['target_met'] else 'NOT met'})",
             f"- wall time (run accepted -> every question closed): **{fmt(f['wall_seconds'], 1)} s**; first quadruple after "
             f"{f['first_quadruple_seconds']} s; **{fmt(f['quadruples_per_second'], 1)} quadruples/s**",
             f"- events: {fmt(f['events_total'])} records produced, **{fmt(f['events_per_second'])} events/s**; "
             f"{fmt(f['consumed_records_total'])} records consumed by the services' groups ({fmt(f['consumed_per_second'])}/s)",
             f"- machine CPU busy over the run: {f['machine_cpu_busy_percent']}% of {f['cores']} cores",
             f"- export (Parquet, training JSON, DPO, card): {fmt(f['export_seconds'], 1)} s, {f['export_state']}, "
             f"{fmt(f['export_bytes'] / 1e6, 1)} MB", ""]
    if "ratio_to_ceiling" in f:
        c = f["kafka_ceiling"]
        lines += [f"- Kafka ceiling ({c['record_size']} B records): producer {fmt(c['producer_records_per_second'])} records/s, "
                  f"consumer {fmt(c['consumer_records_per_second'])} records/s -> the pipeline uses "
                  f"**{f['ratio_to_ceiling']['produce'] * 100:.1f}%** of the produce ceiling and "
                  f"{f['ratio_to_ceiling']['consume'] * 100:.1f}% of the consume ceiling", ""]
    lines += ["| topic | records | records/s | bytes/record on disk |", "|---|---:|---:|---:|"]
    requests = [t for t in f["events_per_topic"] if ".requests." in t and not t.endswith((".retry", ".dlq"))]
    for t, n in f["events_per_topic"].items():
        if t in requests[1:]:
            continue
        name = t if t not in requests else t.rsplit(".", 1)[0].rsplit(".requests", 1)[0] + f".requests.<model> (each of {len(requests)})"
        lines.append(f"| {name} | {fmt(n)} | {fmt(f['events_per_second_per_topic'][t], 1)} | {fmt(f['bytes_per_record_on_disk'][t])} |")
    lines += ["", "| process | CPU seconds | CPU share of the run | peak RSS (MB) |", "|---|---:|---:|---:|"]
    for name, p in f["processes"].items():
        share = p["cpu_seconds"] / f["wall_seconds"] * 100
        lines.append(f"| {name} | {fmt(p['cpu_seconds'], 1)} | {share:.0f}% of a core | {fmt(p['peak_rss_mb'], 1)} |")
    lines += ["", "PostgreSQL after the run: " + ", ".join(f"{n} {fmt(b / 1e6, 1)} MB" for n, b in f["postgresql_bytes"].items())]
    return lines


# ------------------------------------------------------------------------------------------- kafka ceiling
def scenario_kafka_ceiling(args):
    out_dir = args.out or os.path.join(ROOT, "benchmarks", "target", "kafka-ceiling")
    home = os.path.join(out_dir, "home")
    shutil.rmtree(home, ignore_errors=True)
    size = args.record_size
    source = "--record-size"
    if size is None:
        scale = os.path.join(ROOT, "benchmarks", "target", "scale", "report.json")
        if not os.path.exists(scale):
            fail("no event size known: run `benchmarks/run scale` first (it measures bytes per record on every topic) "
                 "or give --record-size BYTES")
        with open(scale) as f:
            size = json.load(f)["mean_bytes_per_record_on_disk"]
        source = "mean bytes per record on disk over every topic of the last scale run"
    stack = Stack(home, {})
    stack.down(purge=True)
    try:
        stack.up()
        topic = stack.topic_prefix() + ".bench-ceiling"
        kafka_tool("org.apache.kafka.tools.TopicCommand", "--bootstrap-server", stack.bootstrap(), "--create",
                   "--if-not-exists", "--topic", topic, "--partitions", "6", "--replication-factor", "1")
        log(f"producer: {args.records} records of {size} bytes, acks=all, as fast as possible")
        p_out = kafka_tool("org.apache.kafka.tools.ProducerPerformance", "--topic", topic, "--num-records", str(args.records),
                           "--record-size", str(size), "--throughput", "-1", "--producer-props",
                           f"bootstrap.servers={stack.bootstrap()}", "acks=all")
        last = [l for l in p_out.splitlines() if "records sent" in l][-1]
        m = re.search(r"([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency", last)
        pct = re.search(r"([\d.]+) ms 50th, ([\d.]+) ms 95th, ([\d.]+) ms 99th", last)
        producer = {"records_per_second": round(float(m.group(1))), "mb_per_second": float(m.group(2)),
                    "avg_latency_ms": float(m.group(3)), "max_latency_ms": float(m.group(4)),
                    "p50_ms": float(pct.group(1)) if pct else None, "p99_ms": float(pct.group(3)) if pct else None,
                    "raw": last}
        log(f"consumer: the same {args.records} records")
        c_out = kafka_tool("org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", stack.bootstrap(),
                           "--topic", topic, "--messages", str(args.records), "--timeout", "120000")
        out_lines = [l for l in c_out.splitlines() if l.strip()]
        at = next((i for i, l in enumerate(out_lines) if "nMsg.sec" in l), None)
        names = [h.strip() for h in out_lines[at].split(",")] if at is not None else []
        # the figures are the next line with as many comma-separated fields as the header (log lines may come between)
        row = next((l for l in out_lines[at + 1:] if len(l.split(",")) == len(names)), None) if names else None
        if row is None:
            fail(f"ConsumerPerformance printed no figures: {c_out[-3000:]}")
        cols = dict(zip(names, [v.strip() for v in row.split(",")]))
        if "nMsg.sec" not in cols:
            fail(f"ConsumerPerformance printed no nMsg.sec: {c_out[-3000:]}")
        consumer = {"records_per_second": round(float(cols["nMsg.sec"])), "mb_per_second": float(cols["MB.sec"]),
                    "raw": row}
        figures = {"record_size": size, "record_size_source": source, "records": args.records, "partitions": 6,
                   "producer": producer, "consumer": consumer}
        lines = [f"- records: {fmt(args.records)} x {size} bytes ({source}), topic with 6 partitions (as the pipeline's), "
                 "one broker (the local stack's, the four services idle beside it)",
                 f"- producer (acks=all, other settings the client's defaults): **{fmt(producer['records_per_second'])} records/s** "
                 f"({producer['mb_per_second']} MB/s), latency avg {producer['avg_latency_ms']} ms, p99 {producer['p99_ms']} ms",
                 f"- consumer (one, all partitions): **{fmt(consumer['records_per_second'])} records/s** ({consumer['mb_per_second']} MB/s)"]
        command = f"benchmarks/run kafka-ceiling --records {args.records}" + (f" --record-size {args.record_size}" if args.record_size else "")
        write_report(out_dir, "Kafka ceiling", command, machine_description(), figures, lines)
    finally:
        stack.down(purge=True)


# --------------------------------------------------------------------------------------------- saturation
def latency_mean_ms(mean, sd, floor, samples=400_000):
    """The mean of the persona's latency as drawn (lognormal with this mean and sd, raised to the floor)."""
    rnd = random.Random(1)
    sigma2 = math.log1p(sd * sd / (mean * mean))
    mu = math.log(mean) - sigma2 / 2
    total = 0.0
    for _ in range(samples):
        total += max(floor, math.exp(mu + math.sqrt(sigma2) * rnd.gauss(0, 1)))
    return total / samples


def lane_counters(url):
    """model -> (requests finished, call seconds sum, call count) from a responder's /q/metrics."""
    text = http_text(url + "/q/metrics")
    done = {}
    for labels, v in prometheus_samples(text, "spavl_responder_requests_total"):
        done[labels["model"]] = done.get(labels["model"], 0) + v
    sums = {l["model"]: v for l, v in prometheus_samples(text, "spavl_responder_model_call_seconds_sum")}
    counts = {l["model"]: v for l, v in prometheus_samples(text, "spavl_responder_model_call_seconds_count")}
    return {m: (done.get(m, 0), sums.get(m, 0), counts.get(m, 0)) for m in done}


def measure_lanes(urls, seconds):
    """Per model over `seconds`: requests finished per second and the mean call time, summed over instances."""
    before = [lane_counters(u) for u in urls]
    time.sleep(seconds)
    after = [lane_counters(u) for u in urls]
    out = {}
    for b, a in zip(before, after):
        for m, (done, ssum, cnt) in a.items():
            d0, s0, c0 = b.get(m, (0, 0, 0))
            agg = out.setdefault(m, [0, 0, 0])
            agg[0] += done - d0
            agg[1] += ssum - s0
            agg[2] += cnt - c0
    return {m: {"per_second": v[0] / seconds, "finished": v[0],
                "mean_call_seconds": (v[1] / v[2]) if v[2] else None} for m, v in out.items()}


def scenario_saturation(args):
    out_dir = args.out or os.path.join(ROOT, "benchmarks", "target", "saturation")
    home = os.path.join(out_dir, "home")
    shutil.rmtree(home, ignore_errors=True)
    conc, mean, sd, floor = args.concurrency, args.mean_ms, args.stddev_ms, args.min_ms
    drawn_mean = latency_mean_ms(mean, sd, floor)
    lane_capacity = conc / (drawn_mean / 1000)
    # enough questions that no lane runs dry: phase 1 at 1x and phase 2 at 2x for the doubled lane, plus a margin
    questions = math.ceil(lane_capacity * (args.warmup + args.seconds) * 3 * 1.3)
    images = math.ceil(questions / 3)
    manifest = image_set(images)
    env = {"SPAVL_INPUT_ROOTS": os.path.dirname(manifest),
           "SPAVL_GENERATOR_WORKER_MAX_OUTSTANDING_REQUESTS": str(images * 3 * 12 + 1)}
    for m in MODEL_ENV_IDS:
        env[f"SPAVL_MODELS_{m}_CONCURRENCY"] = str(conc)
        env[f"SPAVL_MODELS_{m}_PERSONA_LATENCY_SHAPE"] = "lognormal"
        env[f"SPAVL_MODELS_{m}_PERSONA_LATENCY_MEAN_MS"] = str(mean)
        env[f"SPAVL_MODELS_{m}_PERSONA_LATENCY_STDDEV_MS"] = str(sd)
        env[f"SPAVL_MODELS_{m}_PERSONA_LATENCY_MIN_MS"] = str(floor)
    stack = Stack(home, env)
    stack.down(purge=True)
    second = None
    try:
        stack.up()
        run_id = start_run(stack, manifest, f"bench-saturation-{int(time.time())}")
        log(f"run {run_id}: {images} images; 12 lanes x concurrency {conc}, latency lognormal mean {mean} ms, "
            f"sd {sd} ms, at least {floor} ms (drawn mean {drawn_mean:.0f} ms): capacity {lane_capacity:.3f} requests/s per lane")
        responder = stack.url("responder")
        log(f"warm-up {args.warmup} s, then {args.seconds} s measured")
        time.sleep(args.warmup)
        phase1 = measure_lanes([responder], args.seconds)
        total = sum(v["per_second"] for v in phase1.values())
        capacity = lane_capacity * len(phase1)
        log(f"all lanes: {total:.2f} requests/s of a capacity of {capacity:.2f} ({100 * total / capacity:.1f}%)")

        lane = args.double
        log(f"starting a second responder instance that hosts only {lane}")
        second = start_second_responder(stack, lane, os.path.join(home, "logs", "responder-2.log"))
        time.sleep(args.warmup)
        phase2 = measure_lanes([responder, second[1]], args.seconds)
        one, two = phase1[lane]["per_second"], phase2[lane]["per_second"]
        log(f"{lane}: {one:.3f} requests/s with one instance, {two:.3f} with two ({two / one:.2f}x)")
        gen = http_json(stack.url("generator") + f"/api/runs/{run_id}")["progress"]
        backlog_ok = gen["requestsDispatched"] > gen["responsesReceived"] + 12
        figures = {"concurrency": conc, "latency": {"shape": "lognormal", "mean_ms": mean, "stddev_ms": sd, "min_ms": floor,
                                                    "drawn_mean_ms": round(drawn_mean, 1)},
                   "warmup_seconds": args.warmup, "measured_seconds": args.seconds, "images": images,
                   "capacity_per_lane": round(lane_capacity, 4), "capacity_total": round(capacity, 3),
                   "throughput_total": round(total, 3), "throughput_ratio": round(total / capacity, 4),
                   "lanes": {m: {k: (round(v, 4) if isinstance(v, float) else v) for k, v in x.items()} for m, x in phase1.items()},
                   "doubled_lane": lane, "doubled_one_instance": round(one, 4), "doubled_two_instances": round(two, 4),
                   "doubling_ratio": round(two / one, 3), "backlog_left_at_end": backlog_ok,
                   "doubled_lane_two_instances_detail": phase2[lane]}
        lines = [f"- 12 simulated lanes, concurrency {conc} each; latency lognormal with mean {mean} ms and sd {sd} ms, "
                 f"at least {floor} ms (so 1-8 s with a long tail; drawn mean {drawn_mean:.0f} ms); "
                 f"{images} images fanned out to all 12, all requests queued up front; {args.warmup} s warm-up, then "
                 f"{args.seconds} s measured from the lanes' own counters",
                 f"- capacity = sum over lanes of concurrency / mean latency = 12 x {conc} / {drawn_mean / 1000:.3f} s = "
                 f"**{capacity:.2f} requests/s**; measured **{total:.2f} requests/s = {100 * total / capacity:.1f}%** of it",
                 f"- doubling `{lane}` (a second responder process hosting only that lane, same consumer group, 6 partitions "
                 f"split between them): **{one:.3f} -> {two:.3f} requests/s ({two / one:.2f}x)**",
                 f"- requests still queued at the end (no lane ran dry): {'yes' if backlog_ok else 'NO'}", "",
                 "Per lane: requests/s, the mean time of its calls in the window, the share of the capacity computed from the "
                 "drawn mean, and how busy its workers were (requests/s x mean call / concurrency).", "",
                 "| lane | requests/s | mean call (s) | capacity share | workers busy |", "|---|---:|---:|---:|---:|"]
        for m, v in phase1.items():
            busy = v['per_second'] * (v['mean_call_seconds'] or 0) / conc
            lines.append(f"| {m} | {v['per_second']:.3f} | {v['mean_call_seconds'] or 0:.3f} | "
                         f"{100 * v['per_second'] / lane_capacity:.1f}% | {100 * busy:.1f}% |")
        command = (f"benchmarks/run saturation --concurrency {conc} --mean-ms {mean} --stddev-ms {sd} --min-ms {floor} "
                   f"--warmup {args.warmup} --seconds {args.seconds} --double {lane}")
        write_report(out_dir, "Model saturation", command, machine_description(), figures, lines)
    finally:
        if second:
            second[0].terminate()
            try:
                second[0].wait(30)
            except subprocess.TimeoutExpired:
                second[0].kill()
        stack.down(purge=True)


def start_second_responder(stack, model, log_path):
    """A second responder process with the first one's command line and environment, hosting only `model`."""
    cmdline, environ, cwd = launch_of(stack.pid("responder"))
    port = free_port()
    environ.update({"QUARKUS_HTTP_PORT": str(port), "SPAVL_RESPONDER_MODELS": model})
    # not the stack's component name: ./spavl keeps managing only the first instance
    cmdline = [a if not a.startswith("-Dspavl.component=") else "-Dspavl.component=responder-2" for a in cmdline]
    logf = open(log_path, "w")
    proc = subprocess.Popen(cmdline, env=environ, cwd=cwd, stdout=logf,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/q/health/ready", timeout=2).read()
            return proc, url
        except (urllib.error.URLError, OSError):
            if proc.poll() is not None:
                fail(f"the second responder exited during start; see {log_path}")
            time.sleep(0.5)
    proc.kill()
    fail(f"the second responder was not ready within 120 s; see {log_path}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------------------------------- footprint
def scenario_footprint(args):
    out_dir = args.out or os.path.join(ROOT, "benchmarks", "target", "footprint")
    home = os.path.join(out_dir, "home")
    shutil.rmtree(home, ignore_errors=True)
    stack = Stack(home, {})
    stack.down(purge=True)
    results = {}
    try:
        stack.up()
        time.sleep(args.settle)
        for name in SERVICES:
            results[name] = restart_and_measure(stack, name, args)
            log(f"{name}: ready after {results[name]['ready_seconds']} s, idle RSS {results[name]['idle_rss_mb']} MB")
        for name in ("kafka", "registry"):
            pid = stack.pid(name)
            results[name] = {"idle_rss_mb": round(proc_stat(pid)[1] / 1024, 1), "jvm": jvm_options(launch_of(pid)[0])}
        lines = ["Each service is stopped (SIGTERM) and started again alone with the same command line and environment "
                 f"as `./spavl up` gives it, the others idle; ready = `/q/health/ready` answers 200; idle RSS after "
                 f"{args.settle} s without work. Each median of {args.repeat} starts.", "",
                 "| process | JVM options | ready after (s) | Quarkus 'started in' (s) | idle RSS (MB) |", "|---|---|---:|---:|---:|"]
        for name, r in results.items():
            lines.append(f"| {name} | {r.get('jvm', '')} | {r.get('ready_seconds', '')} | {r.get('quarkus_started_seconds', '')} | {r['idle_rss_mb']} |")
        write_report(out_dir, "Footprint", f"benchmarks/run footprint --repeat {args.repeat}", machine_description(),
                     {"services": results}, lines)
    finally:
        stack.down(purge=True)


def restart_and_measure(stack, name, args):
    pid = stack.pid(name)
    cmdline, environ, cwd = launch_of(pid)
    log_path = os.path.join(stack.home, "logs", f"{name}.log")
    pid_file = os.path.join(stack.home, "pids", f"{name}.pid")
    ready_times, started_times, rss = [], [], []
    url = stack.url(name) + "/q/health/ready"
    for _ in range(args.repeat):
        os.kill(pid, signal.SIGTERM)
        while proc_stat(pid) and not zombie(pid):
            time.sleep(0.1)
        offset = os.path.getsize(log_path)
        t0 = time.time()
        with open(log_path, "a") as logf:
            proc = subprocess.Popen(cmdline, env=environ, cwd=cwd, stdout=logf, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        pid = proc.pid
        with open(pid_file, "w") as f:
            f.write(f"{pid}\n")
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except (urllib.error.URLError, OSError):
                if proc.poll() is not None:
                    fail(f"{name} exited during start; see {log_path}")
                time.sleep(0.05)
        ready_times.append(time.time() - t0)
        with open(log_path) as f:
            f.seek(offset)
            m = re.search(r"started in ([\d.]+)s", f.read())
        if m:
            started_times.append(float(m.group(1)))
        time.sleep(args.settle)
        rss.append(proc_stat(pid)[1] / 1024)
    stack.refresh()
    return {"ready_seconds": round(median(ready_times), 2), "ready_all": [round(x, 2) for x in ready_times],
            "quarkus_started_seconds": round(median(started_times), 2) if started_times else None,
            "idle_rss_mb": round(median(rss), 1), "jvm": jvm_options(cmdline)}


def jvm_options(cmdline):
    return " ".join(a for a in cmdline if a.startswith("-X"))


def zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def median(xs):
    s = sorted(xs)
    return s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2


# -------------------------------------------------------------------------------------------------- main
def main():
    parser = argparse.ArgumentParser(prog="benchmarks/run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="scenario", required=True)
    p = sub.add_parser("scale", help="SPA-VL scale: zero-latency simulated models, offline judge, the paper's fan-out")
    p.add_argument("--quadruples", type=int, default=100_788, help="target quadruples; images = ceil(N / 3 / 0.92), 0.92 being the share of questions resolved (default 100788)")
    p.add_argument("--interval", type=float, default=5.0, help="seconds between process and metric samples")
    p.add_argument("--timeout", type=int, default=6 * 3600, help="give up after this many seconds")
    p.add_argument("--keep", action="store_true", help="leave the stack running afterwards")
    p.add_argument("--out", help="report folder (default benchmarks/target/scale)")
    p = sub.add_parser("generator", help="the generator alone: lanes alive but idle, images/s and questions/s fanned out")
    p.add_argument("--images", type=int, default=3000)
    p.add_argument("--timeout", type=int, default=3600, help="give up after this many seconds")
    p.add_argument("--out")
    p = sub.add_parser("kafka-ceiling", help="the broker's ProducerPerformance / ConsumerPerformance at our event size")
    p.add_argument("--records", type=int, default=2_000_000)
    p.add_argument("--record-size", type=int, help="bytes (default: the mean measured by the last scale run)")
    p.add_argument("--out")
    p = sub.add_parser("saturation", help="lanes with 1-8 s latency: throughput vs capacity; one lane doubled")
    p.add_argument("--concurrency", type=int, default=4, help="each lane's concurrency (default 4)")
    p.add_argument("--mean-ms", type=int, default=3000)
    p.add_argument("--stddev-ms", type=int, default=1500)
    p.add_argument("--min-ms", type=int, default=1000)
    p.add_argument("--warmup", type=int, default=30, help="seconds before each measurement")
    p.add_argument("--seconds", type=int, default=180, help="seconds measured per phase")
    p.add_argument("--double", default="otter", help="the lane given a second instance")
    p.add_argument("--out")
    p = sub.add_parser("footprint", help="idle RSS and start-up time of each service")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--settle", type=float, default=20.0, help="seconds of idleness before RSS is read")
    p.add_argument("--out")
    args = parser.parse_args()
    # SIGTERM (kill, a CI timeout) unwinds like Ctrl-C, so each scenario's `finally` stops and purges its stack
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    if args.scenario == "scale" and args.quadruples < 1:
        parser.error("--quadruples must be positive")
    {"scale": scenario_scale, "generator": scenario_generator, "kafka-ceiling": scenario_kafka_ceiling, "saturation": scenario_saturation,
     "footprint": scenario_footprint}[args.scenario](args)


if __name__ == "__main__":
    main()
