"""The asyncssh peer of the bench's fleet section (bench/src/fleet/): one task as JSON in argv[1], one
result line on stdout (RESULT_MARKER + JSON). Run with Debian's /usr/bin/python3 (python3-asyncssh).

Each host: connect, run `true`, run `hostname`, close, at most `concurrency` hosts at once, as an asyncssh
user writes it. The first host is run once before the measured fan-out (as the Node clients do), so that
what asyncssh sets up at its first connection counts once, not per host. Keys and known_hosts are read once per file (a careful user's program does the same);
key exchange curve25519-sha256, the one ssh2 negotiates, so the comparison is like for like. CPU and wall
time are measured around the fan-out only (the interpreter and the import are not in them).
"""
import asyncio
import json
import resource
import sys
import time
import warnings

RESULT_MARKER = '@@rexec-fleet-result@@ '


def report(result):
    sys.stdout.write('\n' + RESULT_MARKER + json.dumps(result) + '\n')
    sys.stdout.flush()


try:
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        import asyncssh
except ImportError as error:
    report({'status': 'unavailable', 'reason': 'python3-asyncssh is not installed (%s)' % error})
    sys.exit(0)


def cpu_micros():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return (usage.ru_utime + usage.ru_stime) * 1e6


async def fan_out(task):
    hosts = task['hosts']
    expected = task['expected']
    known_hosts = asyncssh.read_known_hosts(task['knownHostsPath'])
    keys = {}
    limit = asyncio.Semaphore(task['concurrency'])
    failures = []

    async def one(host):
        path = host['privateKeyPath']
        if path not in keys:
            keys[path] = asyncssh.read_private_key(path)
        async with limit:
            try:
                async with asyncssh.connect(host['host'], port=host['port'], username=host['username'],
                                            client_keys=[keys[path]], known_hosts=known_hosts, agent_path=None,
                                            config=None, kex_algs=['curve25519-sha256'],
                                            connect_timeout=task['connectTimeoutS']) as conn:
                    await conn.run('true', check=True)
                    result = await conn.run('hostname', check=True)
                    if str(result.stdout).strip() != expected:
                        raise RuntimeError('hostname printed %r' % result.stdout)
                    return True
            except Exception as error:  # every failure is a failed host, counted and reported
                failures.append('%s: %s: %s' % (host['name'], type(error).__name__, error))
                return False

    if task['warmup'] and hosts:
        await one(hosts[0])
        failures.clear()
    cpu_before = cpu_micros()
    started = time.perf_counter()
    results = await asyncio.gather(*(one(host) for host in hosts))
    return sum(1 for ok in results if ok), failures, time.perf_counter() - started, cpu_micros() - cpu_before


def main():
    task = json.loads(sys.argv[1])
    ok, failures, wall_s, cpu = asyncio.run(fan_out(task))
    report({
        'status': 'ok',
        'ok': ok,
        'failed': len(task['hosts']) - ok,
        'firstFailure': failures[0][:200] if failures else None,
        'wallMs': wall_s * 1000,
        'cpuMicros': cpu,
        'maxRssKiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        'version': asyncssh.__version__,
    })


main()
