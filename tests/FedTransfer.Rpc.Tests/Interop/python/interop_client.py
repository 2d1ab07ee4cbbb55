"""A grpcio client exercising fedtransfer.interop.TestService on the server under test.

Usage: interop_client.py HOST:PORT ARTIFACT_SIZE SEED
Prints one JSON object per scenario on stdout: {"scenario": ..., "code": "OK"|status name, "details": ..., ...}.
It reports what it observed; the C# test holds the expectations.
"""
import hashlib
import json
import sys
import threading
import time

import grpc

from interop_common import MIB, chunks, method, pb


def report(scenario, **fields):
    print(json.dumps({"scenario": scenario, **fields}), flush=True)


def failure(scenario, err, **fields):
    report(scenario, code=err.code().name, details=err.details(), **fields)


def unary(channel):
    call = channel.unary_unary(method("Echo"), pb.EchoRequest.SerializeToString, pb.EchoReply.FromString)
    metadata = (("x-trace", "abc 123"), ("x-blob-bin", bytes([0, 1, 254, 255])))
    reply = call(pb.EchoRequest(text="héllo ✓"), metadata=metadata, timeout=30)
    report("unary", code="OK", text=reply.text, metadata=dict(reply.metadata))


def unary_gzip(channel):
    call = channel.unary_unary(method("Echo"), pb.EchoRequest.SerializeToString, pb.EchoReply.FromString)
    reply = call(pb.EchoRequest(text="z" * 10000), compression=grpc.Compression.Gzip, timeout=30)
    report("unary_gzip", code="OK", length=len(reply.text))


def download(channel, size, seed):
    call = channel.unary_stream(method("Download"), pb.ArtifactRequest.SerializeToString, pb.Chunk.FromString)
    h, total, count, contiguous = hashlib.sha256(), 0, 0, True
    for c in call(pb.ArtifactRequest(size=size, chunk_size=MIB, seed=seed), timeout=120):
        contiguous &= c.offset == total
        h.update(c.data)
        total += len(c.data)
        count += 1
    report("download", code="OK", size=total, chunks=count, contiguous=contiguous, sha256=h.hexdigest())


def upload(channel, size, seed):
    call = channel.stream_unary(method("Upload"), pb.Chunk.SerializeToString, pb.ArtifactDigest.FromString)
    requests = (pb.Chunk(offset=o, data=d) for o, d in chunks(seed, size, MIB))
    digest = call(requests, timeout=120)
    report("upload", code="OK", size=digest.size, chunks=digest.chunks, sha256=digest.sha256)


def duplex(channel):
    call = channel.stream_stream(method("Chat"), pb.EchoRequest.SerializeToString, pb.EchoReply.FromString)
    replied = threading.Semaphore(0)
    interleaved = True

    def requests():
        nonlocal interleaved
        for i in range(5):
            yield pb.EchoRequest(text=f"m{i}")
            # The next request goes out only after this one's reply: proves real duplex streaming.
            interleaved &= replied.acquire(timeout=10)

    texts, indexes = [], []
    for reply in call(requests(), timeout=30):
        texts.append(reply.text)
        indexes.append(reply.index)
        replied.release()
    report("duplex", code="OK", texts=texts, indexes=indexes, interleaved=interleaved)


def deadline(channel):
    call = channel.unary_unary(method("Echo"), pb.EchoRequest.SerializeToString, pb.EchoReply.FromString)
    start = time.monotonic()
    try:
        call(pb.EchoRequest(text="slow", delay_ms=5000), timeout=0.3)
        report("deadline", code="OK", elapsed=time.monotonic() - start)
    except grpc.RpcError as err:
        failure("deadline", err, elapsed=time.monotonic() - start)


def error(channel):
    call = channel.unary_unary(method("Echo"), pb.EchoRequest.SerializeToString, pb.EchoReply.FromString)
    message = "Übermaß: données refusées ✗ 🚫 100% sûr"
    try:
        call(pb.EchoRequest(text="x", fail_code=9, fail_message=message), timeout=30)
        report("error", code="OK")
    except grpc.RpcError as err:
        failure("error", err, expected=message)


def unimplemented(channel):
    call = channel.unary_unary("/fedtransfer.interop.TestService/Nope", pb.EchoRequest.SerializeToString, pb.EchoReply.FromString)
    try:
        call(pb.EchoRequest(text="x"), timeout=30)
        report("unimplemented", code="OK")
    except grpc.RpcError as err:
        failure("unimplemented", err)


def main():
    target, size, seed = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    options = [("grpc.max_receive_message_length", 8 * MIB), ("grpc.max_send_message_length", 8 * MIB)]
    with grpc.insecure_channel(target, options=options) as channel:
        scenarios = [("unary", unary), ("unary_gzip", unary_gzip), ("download", lambda c: download(c, size, seed)),
                     ("upload", lambda c: upload(c, size, seed)), ("duplex", duplex), ("deadline", deadline),
                     ("error", error), ("unimplemented", unimplemented)]
        for name, scenario in scenarios:
            try:
                scenario(channel)
            except grpc.RpcError as err:
                failure(name, err)
            except Exception as err:  # a broken scenario must not hide the others
                report(name, code="CLIENT_ERROR", details=repr(err))


if __name__ == "__main__":
    main()
