"""grpcio client for the transport benchmark; same protocol as BenchClient.cs.

Usage: bench_client.py HOST:PORT SIZE_BYTES [RUNS] [all|download|upload|unary] [CA]   (CA: TLS trusting only CA)
One verified download and upload (untimed), one untimed warm-up, RUNS timed ones (best reported), then unary round trips.
"""
import hashlib
import sys
import time

import grpc

from bench_common import CHUNK, build_artifact, path, pb, sha256_hex

UNARY_WARMUP, UNARY_CALLS = 500, 10000


def fetch(call, size, verify):
    h = hashlib.sha256() if verify else None
    received = 0
    for c in call(pb.FetchRequest(size=size, chunk_size=CHUNK)):
        if c.offset != received:
            raise RuntimeError(f"chunk at offset {c.offset}, expected {received}")
        if h:
            h.update(c.data)
        received += len(c.data)
    return received, (h.hexdigest() if h else "")


def chunks(artifact):
    offset = 0
    for data in artifact:
        yield pb.Chunk(offset=offset, data=data)
        offset += len(data)


def main():
    target, size = sys.argv[1], int(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    parts = sys.argv[4] if len(sys.argv) > 4 else "all"
    everything = parts == "all"
    options = [("grpc.max_receive_message_length", 8 * CHUNK), ("grpc.max_send_message_length", 8 * CHUNK)]
    artifact = build_artifact(size, CHUNK)
    expected = sha256_hex(artifact)
    if len(sys.argv) > 5:
        credentials = grpc.ssl_channel_credentials(root_certificates=open(sys.argv[5], "rb").read())
        channel = grpc.secure_channel(target, credentials, options=options)
    else:
        channel = grpc.insecure_channel(target, options=options)
    with channel:
        fetch_call = channel.unary_stream(path("Fetch"), pb.FetchRequest.SerializeToString, pb.Chunk.FromString)
        push_call = channel.stream_unary(path("Push"), pb.Chunk.SerializeToString, pb.PushSummary.FromString)
        echo_call = channel.unary_unary(path("Echo"), pb.Ping.SerializeToString, pb.Ping.FromString)

        if everything:
            got, digest = fetch(fetch_call, size, verify=True)
            assert got == size and digest == expected, f"download verification failed: {got} bytes, {digest}"
            summary = push_call(chunks(artifact), metadata=(("x-verify", "1"),))
            assert summary.size == size and summary.sha256 == expected, f"upload verification failed: {summary}"

        # Run -1 is an untimed warm-up, as on the C# side.
        download = upload = 0.0
        for run in range(-1, runs):
            if everything or parts == "download":
                start = time.perf_counter()
                got, _ = fetch(fetch_call, size, verify=False)
                rate = got / 1e6 / (time.perf_counter() - start)
                download = max(download, rate) if run >= 0 else 0.0
            if everything or parts == "upload":
                start = time.perf_counter()
                summary = push_call(chunks(artifact))
                rate = summary.size / 1e6 / (time.perf_counter() - start)
                upload = max(upload, rate) if run >= 0 else 0.0
        if not everything and parts != "unary":
            print(f"download_mb_s={download:.1f}")
            print(f"upload_mb_s={upload:.1f}")
            return

        ping = pb.Ping(payload=bytes(64))
        latencies = []
        for i in range(UNARY_WARMUP + UNARY_CALLS):
            ping.seq = i
            start = time.perf_counter()
            echo_call(ping)
            if i >= UNARY_WARMUP:
                latencies.append((time.perf_counter() - start) * 1e6)
    latencies.sort()
    print(f"download_mb_s={download:.1f}")
    print(f"upload_mb_s={upload:.1f}")
    print(f"unary_p50_us={latencies[UNARY_CALLS // 2]:.0f}")
    print(f"unary_p99_us={latencies[int(UNARY_CALLS * 0.99)]:.0f}")


if __name__ == "__main__":
    main()
