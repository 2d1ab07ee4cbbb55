"""grpcio server for the transport benchmark: prints "PORT n", serves until stdin closes. Args [CERT KEY]: TLS."""
import hashlib
import sys
import threading
from concurrent import futures

import grpc

from bench_common import SERVICE, build_artifact, pb

_artifacts = {}
_lock = threading.Lock()


def fetch(request, context):
    key = (request.size, request.chunk_size)
    with _lock:
        if key not in _artifacts:
            _artifacts[key] = build_artifact(request.size, request.chunk_size)
        chunks = _artifacts[key]
    offset = 0
    for data in chunks:
        yield pb.Chunk(offset=offset, data=data)
        offset += len(data)


def push(request_iterator, context):
    verify = dict(context.invocation_metadata()).get("x-verify") == "1"
    h = hashlib.sha256() if verify else None
    size = count = 0
    for c in request_iterator:
        if h:
            h.update(c.data)
        size += len(c.data)
        count += 1
    return pb.PushSummary(size=size, chunks=count, sha256=h.hexdigest() if h else "")


def main():
    handlers = {
        "Fetch": grpc.unary_stream_rpc_method_handler(fetch, pb.FetchRequest.FromString, pb.Chunk.SerializeToString),
        "Push": grpc.stream_unary_rpc_method_handler(push, pb.Chunk.FromString, pb.PushSummary.SerializeToString),
        "Echo": grpc.unary_unary_rpc_method_handler(lambda r, c: r, pb.Ping.FromString, pb.Ping.SerializeToString),
    }
    options = [("grpc.max_receive_message_length", 8 * 1024 * 1024), ("grpc.max_send_message_length", 8 * 1024 * 1024)]
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), options=options)
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, handlers),))
    if len(sys.argv) > 2:  # CERT KEY: TLS, as our server
        credentials = grpc.ssl_server_credentials([(open(sys.argv[2], "rb").read(), open(sys.argv[1], "rb").read())])
        port = server.add_secure_port("127.0.0.1:0", credentials)
    else:
        port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"PORT {port}", flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), server.stop(0)), daemon=True).start()
    server.wait_for_termination()


if __name__ == "__main__":
    main()
