"""Real parallel requests: threads released together (the `wide_app` fixture in
tests/conftest.py has a pool that fits them)."""
import threading


def in_parallel(calls, timeout: float = 60):
    """Run every call at once (each in its thread, released by one barrier); their results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results

