"""A python3-grpcio server speaking fedtransfer.v1.Federation with scripted answers, for the site's client to call.

Prints "PORT n", serves until stdin closes. Artifact bytes: chunk k of artifact SEED is SHA-256("SEED:k") repeated to
1 MiB; its digest is what the C# test computes the same way. It reports what it saw through its answers:
- Join answers coordinator_version = "<user-agent>|<x-trace metadata>"; Join with display_name "report" answers the
  methods whose cancellation it observed, comma-separated.
- PullTask with max_wait_ms 4242 sleeps 5 s (a deadline test); otherwise it hands out an evaluate task naming the artifact.
- FetchArtifact of "slow" streams 64 KiB chunks 50 ms apart (a cancellation test).
- PushResult of task "fail" fails with FAILED_PRECONDITION and a non-ASCII message; otherwise a receipt with the digest.
"""
import hashlib
import sys
import threading
import time
from concurrent import futures

import grpc

import fedtransfer.v1.common_pb2 as common
import fedtransfer.v1.federation_pb2 as fed

MIB = 1024 * 1024
SEED, SIZE = "grpcio-artifact", 64 * MIB
FAIL_MESSAGE = "Übermaß: données refusées ✗ 🚫 100% sûr"
_cancelled = []
_lock = threading.Lock()


def chunk(seed, index, length):
    block = hashlib.sha256(f"{seed}:{index}".encode()).digest()
    return (block * (length // len(block) + 1))[:length]


def artifact():
    h = hashlib.sha256()
    for k in range(SIZE // MIB):
        h.update(chunk(SEED, k, MIB))
    return h.hexdigest()


DIGEST = artifact()


def observe_cancel(context, method):
    def cancelled():
        if context.is_active() is False:
            with _lock:
                _cancelled.append(method)
    context.add_callback(cancelled)


def join(request, context):
    if request.display_name == "report":
        with _lock:
            return fed.JoinResponse(site_id="report", coordinator_version=",".join(_cancelled))
    metadata = dict(context.invocation_metadata())
    return fed.JoinResponse(site_id="py-" + request.display_name, session_id="py-session",
                            coordinator_version=f"{metadata.get('user-agent', '')}|{metadata.get('x-trace', '')}")


def pull(request, context):
    if request.max_wait_ms == 4242:
        observe_cancel(context, "PullTask")
        time.sleep(5)
    return fed.PullTaskResponse(evaluate=fed.EvaluateTask(task_id="py-task", run_id="py-run", round=1,
                                                          backbone=common.ArtifactRef(digest=DIGEST, size_bytes=SIZE),
                                                          global_adapter=common.ArtifactRef(digest=DIGEST, size_bytes=SIZE)))


def fetch(request, context):
    if request.digest == "slow":
        observe_cancel(context, "FetchArtifact")
        for k in range(200):
            if not context.is_active():
                return
            yield common.ArtifactChunk(offset=k * 65536, data=bytes(65536), total_bytes=200 * 65536)
            time.sleep(0.05)
        return
    if request.digest != DIGEST:
        context.abort(grpc.StatusCode.NOT_FOUND, f"no artifact {request.digest}")
    offset = request.offset
    while offset < SIZE:
        k = offset // MIB
        data = chunk(SEED, k, MIB)[offset - k * MIB:]
        yield common.ArtifactChunk(offset=offset, data=data, total_bytes=SIZE, digest=DIGEST)
        offset += len(data)


def push(request_iterator, context):
    header, h, size = None, hashlib.sha256(), 0
    for part in request_iterator:
        if part.WhichOneof("part") == "header":
            header = part.header
        else:
            h.update(part.chunk)
            size += len(part.chunk)
    if header is None:
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, "no header")
    if header.task_id == "fail":
        context.abort(grpc.StatusCode.FAILED_PRECONDITION, FAIL_MESSAGE)
    return fed.Receipt(task_id=header.task_id, round=header.round, outcome=common.RESULT_OUTCOME_ACCEPTED,
                       payload_sha256=h.hexdigest(), payload_bytes=size)


def main():
    handlers = {
        "Join": grpc.unary_unary_rpc_method_handler(join, fed.JoinRequest.FromString, fed.JoinResponse.SerializeToString),
        "PullTask": grpc.unary_unary_rpc_method_handler(pull, fed.PullTaskRequest.FromString, fed.PullTaskResponse.SerializeToString),
        "FetchArtifact": grpc.unary_stream_rpc_method_handler(fetch, common.FetchArtifactRequest.FromString, common.ArtifactChunk.SerializeToString),
        "PushResult": grpc.stream_unary_rpc_method_handler(push, fed.PushResultRequest.FromString, fed.Receipt.SerializeToString),
    }
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8),
                         options=[("grpc.max_receive_message_length", 4 * MIB), ("grpc.max_send_message_length", 4 * MIB)])
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("fedtransfer.v1.Federation", handlers),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"PORT {port}", flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), server.stop(0)), daemon=True).start()
    server.wait_for_termination()


if __name__ == "__main__":
    main()
