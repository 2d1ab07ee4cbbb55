"""A grpcio peer against the real coordinator: the central team's and a site's calls, made by python3-grpcio.

Usage: grpcio_site_client.py HOST:PORT WORK_DIR ADMIN_TOKEN
WORK_DIR holds backbone.safetensors, adapter.safetensors and update.safetensors (written by the C# test).
Prints one JSON object per scenario: {"scenario": ..., "code": "OK" | status name, "details": ..., ...}.
It reports what it observed; the C# test holds the expectations.
"""
import hashlib
import json
import os
import sys
import time

import grpc

import fedtransfer.v1.admin_pb2 as admin
import fedtransfer.v1.common_pb2 as common
import fedtransfer.v1.federation_pb2 as fed

MIB = 1024 * 1024


def report(scenario, **fields):
    print(json.dumps({"scenario": scenario, **fields}), flush=True)


def failure(scenario, err, **fields):
    report(scenario, code=err.code().name, details=err.details(), **fields)


class Coordinator:
    def __init__(self, channel, token):
        self.auth = (("authorization", f"Bearer {token}"),)
        unary = lambda svc, name, req, resp: channel.unary_unary(f"/fedtransfer.v1.{svc}/{name}", req.SerializeToString, resp.FromString)
        self.join = unary("Federation", "Join", fed.JoinRequest, fed.JoinResponse)
        self.pull = unary("Federation", "PullTask", fed.PullTaskRequest, fed.PullTaskResponse)
        self.fetch = channel.unary_stream("/fedtransfer.v1.Federation/FetchArtifact", common.FetchArtifactRequest.SerializeToString, common.ArtifactChunk.FromString)
        self.push = channel.stream_unary("/fedtransfer.v1.Federation/PushResult", fed.PushResultRequest.SerializeToString, fed.Receipt.FromString)
        self.status = unary("Admin", "GetStatus", admin.GetStatusRequest, admin.StatusResponse)
        self.create = unary("Admin", "CreateFederation", admin.CreateFederationRequest, admin.FederationInfo)
        self.start = unary("Admin", "StartRun", admin.StartRunRequest, admin.RunInfo)
        self.upload = channel.stream_unary("/fedtransfer.v1.Admin/UploadArtifact", admin.UploadArtifactRequest.SerializeToString, common.ArtifactRef.FromString)
        self.watch = channel.unary_stream("/fedtransfer.v1.Admin/WatchRun", admin.WatchRunRequest.SerializeToString, admin.RunEvent.FromString)


def upload(c, path):
    data = open(path, "rb").read()

    def parts():
        yield admin.UploadArtifactRequest(header=admin.UploadHeader(total_bytes=len(data), name=os.path.basename(path)))
        for at in range(0, len(data), MIB):
            yield admin.UploadArtifactRequest(chunk=data[at:at + MIB])
    return c.upload(parts(), metadata=c.auth, timeout=120)


def main():
    target, work, token = sys.argv[1], sys.argv[2], sys.argv[3]
    with grpc.insecure_channel(target) as channel:
        c = Coordinator(channel, token)
        try:
            c.join(fed.JoinRequest(display_name=""), timeout=30)
            report("status_details", code="OK")
        except grpc.RpcError as err:
            failure("status_details", err)

        try:
            c.status(admin.GetStatusRequest(), timeout=30)
            report("metadata_missing", code="OK")
        except grpc.RpcError as err:
            failure("metadata_missing", err)
        c.status(admin.GetStatusRequest(), metadata=c.auth, timeout=30)
        report("metadata_given", code="OK")

        backbone = upload(c, os.path.join(work, "backbone.safetensors"))
        adapter = upload(c, os.path.join(work, "adapter.safetensors"))
        report("client_streaming", code="OK", backbone=backbone.digest, backbone_bytes=backbone.size_bytes, adapter=adapter.digest)

        joined = c.join(fed.JoinRequest(display_name="grpcio-site", software_version="grpcio",
                                        example_counts=common.ExampleCounts(train=40, validation=10)), timeout=30)
        report("unary", code="OK", site_id=joined.site_id, session=len(joined.session_id) > 0)

        federation = c.create(admin.CreateFederationRequest(name="grpcio", backbone_digest=backbone.digest, adapter_spec="lora:r=4,alpha=8,targets=attn.qkv",
                                                            task_spec="classify:classes=5", initial_adapter_digest=adapter.digest), metadata=c.auth, timeout=60)
        run = c.start(admin.StartRunRequest(federation_id=federation.federation_id, rounds=1, strategy="fedavg", fraction=1.0, min_sites=1,
                                            round_timeout_seconds=60, hyper_parameters=common.HyperParameters(epochs=1, batch_size=16, learning_rate=0.01, seed=7)),
                      metadata=c.auth, timeout=30)
        task = None
        for _ in range(30):
            answer = c.pull(fed.PullTaskRequest(session_id=joined.session_id, max_wait_ms=1000), timeout=30)
            if answer.WhichOneof("instruction") == "train":
                task = answer.train
                break
        h, total, contiguous = hashlib.sha256(), 0, True
        for chunk in c.fetch(common.FetchArtifactRequest(digest=task.backbone.digest, session_id=joined.session_id), timeout=120):
            contiguous &= chunk.offset == total
            h.update(chunk.data)
            total += len(chunk.data)
        report("server_streaming", code="OK", size=total, sha256=h.hexdigest(), contiguous=contiguous)

        call = c.fetch(common.FetchArtifactRequest(digest=task.backbone.digest, session_id=joined.session_id, chunk_size_bytes=65536), timeout=120)
        try:
            next(call)
            call.cancel()
            for _ in call:
                pass
            report("cancellation", code="OK")
        except grpc.RpcError as err:
            failure("cancellation", err)
        c.status(admin.GetStatusRequest(), metadata=c.auth, timeout=30)
        report("after_cancellation", code="OK")

        start = time.monotonic()
        try:
            for _ in c.watch(admin.WatchRunRequest(run_id=run.run_id, after_sequence=-1), metadata=c.auth, timeout=0.5):
                pass
            report("deadline", code="OK", elapsed=time.monotonic() - start)
        except grpc.RpcError as err:
            failure("deadline", err, elapsed=time.monotonic() - start)

        payload = open(os.path.join(work, "update.safetensors"), "rb").read()
        header = fed.ResultHeader(session_id=joined.session_id, task_id=task.task_id, round=task.round, example_count=40,
                                  update_encoding=task.update_encoding, payload_encoding=common.PAYLOAD_ENCODING_SAFETENSORS,
                                  payload_total_bytes=len(payload), payload_sha256=hashlib.sha256(payload).hexdigest())

        def parts():
            yield fed.PushResultRequest(header=header)
            for at in range(0, len(payload), MIB):
                yield fed.PushResultRequest(chunk=payload[at:at + MIB])
        receipt = c.push(parts(), timeout=60)
        report("push", code="OK", outcome=common.ResultOutcome.Name(receipt.outcome), sha256=receipt.payload_sha256, site_id=receipt.site_id)


if __name__ == "__main__":
    main()
