"""A grpcio server implementing fedtransfer.interop.TestService with generic handlers.

Usage: interop_server.py  -> listens on 127.0.0.1 with a free port and prints "PORT <n>" once serving.
Runs until killed (or stdin closes, so it never outlives the test that started it).
"""
import base64
import hashlib
import sys
import threading
import time
from concurrent import futures

import grpc

from interop_common import SERVICE, chunks, pb


def status_from_int(code):
    return next(c for c in grpc.StatusCode if c.value[0] == code)


def reply_for(request, context, index):
    reply = pb.EchoReply(text=request.text, index=index)
    for key, value in context.invocation_metadata():
        if key.startswith("x-"):
            # grpcio hands -bin values over decoded; re-encode so the reply carries text.
            if key.endswith("-bin"):
                value = base64.b64encode(value).decode().rstrip("=")
            reply.metadata[key] = value
        if key == "user-agent":
            reply.metadata["user-agent"] = value
    reply.metadata["peer"] = context.peer()
    remaining = context.time_remaining()
    reply.metadata["deadline"] = "none" if remaining is None else "set"
    return reply


def wait(context, delay_ms):
    end = time.monotonic() + delay_ms / 1000.0
    while time.monotonic() < end:
        if not context.is_active():
            return False
        time.sleep(0.01)
    return True


def echo(request, context):
    if request.delay_ms and not wait(context, request.delay_ms):
        return pb.EchoReply()
    if request.fail_code:
        context.abort(status_from_int(request.fail_code), request.fail_message)
    if request.compress_response:
        context.set_compression(grpc.Compression.Gzip)
    return reply_for(request, context, 0)


def download(request, context):
    size = request.chunk_size or 1024 * 1024
    for offset, data in chunks(request.seed, request.size, size):
        if request.pause_ms and not wait(context, request.pause_ms):
            return
        yield pb.Chunk(offset=offset, data=data)


def upload(request_iterator, context):
    h, size, count = hashlib.sha256(), 0, 0
    for c in request_iterator:
        if c.offset != size:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"chunk {count} starts at offset {c.offset}, expected {size}")
        h.update(c.data)
        size += len(c.data)
        count += 1
    return pb.ArtifactDigest(size=size, sha256=h.hexdigest(), chunks=count)


def chat(request_iterator, context):
    for index, request in enumerate(request_iterator):
        if request.fail_code:
            context.abort(status_from_int(request.fail_code), request.fail_message)
        yield reply_for(request, context, index)


def main():
    handlers = {
        "Echo": grpc.unary_unary_rpc_method_handler(
            echo, pb.EchoRequest.FromString, pb.EchoReply.SerializeToString),
        "Download": grpc.unary_stream_rpc_method_handler(
            download, pb.ArtifactRequest.FromString, pb.Chunk.SerializeToString),
        "Upload": grpc.stream_unary_rpc_method_handler(
            upload, pb.Chunk.FromString, pb.ArtifactDigest.SerializeToString),
        "Chat": grpc.stream_stream_rpc_method_handler(
            chat, pb.EchoRequest.FromString, pb.EchoReply.SerializeToString),
    }
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, handlers),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"PORT {port}", flush=True)
    # Exit when the parent closes our stdin: no orphaned server if the test process dies.
    threading.Thread(target=lambda: (sys.stdin.read(), server.stop(0)), daemon=True).start()
    server.wait_for_termination()


if __name__ == "__main__":
    main()
