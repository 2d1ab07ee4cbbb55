#!/usr/bin/env python3
"""Independent verifier of a FedTransfer site ledger and the coordinator's receipt log.

Written from docs/AUDIT-FORMAT.md alone, with the standard library and python3-cryptography only, so an auditor need
not trust FedTransfer's own code. It checks every record's own signature (no checkpoints), the hash chain, the
certificates against the CA, every receipt's coordinator signature, and with --receipts every ledger head the site
declared. It does not re-check the allowlist semantics (tensor names and shapes against the task), which is
`fedtransfer audit verify`'s job.

usage: verify_ledger.py LEDGER|LEDGER-FOLDER [--ca CA.pem] [--receipts receipts.jsonl] [--site SITE-ID]
exit 0: VALID; 2: INVALID (one line naming the record and why); 1: the files could not be read.
"""
import argparse
import base64
import datetime
import hashlib
import json
import os
import re
import sys

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

RECORD = ["v", "seq", "time", "kind", "federation", "run", "round", "task", "destination", "decision", "declined",
          "reason", "summary", "tensors", "payload_sha256", "payload_bytes", "encoding", "privacy", "genesis",
          "task_info", "receipt", "torn", "segment", "prev", "sig"]
NESTED = {
    "tensors": ["name", "dtype", "shape", "bytes"],
    "trainable": ["name", "dtype", "shape", "bytes"],
    "privacy": ["clip_norm", "noise_multiplier", "norm_before_clip", "sampling_rate", "delta", "rounds", "epsilon"],
    "genesis": ["site", "certificate_pem", "public_key_pem", "sig_alg"],
    "task_info": ["kind", "backbone", "adapter_spec", "encoding", "trainable"],
    "receipt": ["task", "site", "run", "round", "outcome", "reason", "payload_sha256", "payload_bytes",
                "received_unix_ms", "duplicate", "signature", "coordinator_certificate_pem", "ledger_head_seq",
                "ledger_head_sha256"],
    "torn": ["file", "bytes", "sha256"],
    "segment": ["site", "certificate_pem", "public_key_pem", "sig_alg", "previous_file"],
}
SIG_PREFIX = b',"sig":"'
SIG_CHARS = 88
ZEROS = "0" * 64


class Invalid(Exception):
    """A finding: the input does not verify."""


def strict_object(pairs):
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise Invalid("a property appears twice")
    return dict(pairs)


def check_canonical(obj, order, where):
    names = list(obj.keys())
    for name in names:
        if name not in order:
            raise Invalid(f"unknown property '{name}' in {where}")
        if obj[name] is None:
            raise Invalid(f"property '{name}' in {where} is null (absent values are omitted)")
    if names != sorted(names, key=order.index):
        raise Invalid(f"the properties of {where} are not in canonical order")
    for name, value in obj.items():
        if name in NESTED and isinstance(value, dict):
            check_canonical(value, NESTED[name], f"{where}.{name}")
        elif name in NESTED and isinstance(value, list):
            for item in value:
                if not isinstance(item, dict):
                    raise Invalid(f"{where}.{name} holds a non-object")
                check_canonical(item, NESTED[name], f"{where}.{name}[]")


def p256_verifies(public_key, data, signature):
    if len(signature) != 64:
        return False
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        public_key.verify(der, data, ec.ECDSA(hashes.SHA256()))
        return True
    except InvalidSignature:
        return False


def b64(text):
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        raise Invalid("a signature is not base64")


def receipt_bytes(task, site, run, rnd, outcome, sha, size, received, head_seq=None, head_sha=None):
    tag = "fedtransfer-receipt-v2" if head_sha is not None else "fedtransfer-receipt-v1"
    fields = [tag, f"task={task}", f"site={site}", f"run={run}", f"round={rnd}", f"outcome={outcome}",
              f"payload_sha256={sha}", f"payload_bytes={size}", f"received_unix_ms={received}"]
    if head_sha is not None:
        fields += [f"ledger_head_seq={head_seq}", f"ledger_head_sha256={head_sha}"]
    if any("\n" in f or "\r" in f for f in fields):
        raise Invalid("a receipt field holds a line break")
    return "".join(f + "\n" for f in fields).encode("utf-8")


class Certificates:
    """Certificates checked against the CA (one level: the CA signs participant certificates directly)."""

    def __init__(self, ca):
        self.ca = ca
        self.checked = {}

    def key_of(self, pem, role, at_ms):
        if pem not in self.checked:
            try:
                certificate = x509.load_pem_x509_certificate(pem.encode("ascii"))
            except ValueError:
                raise Invalid(f"a {role} certificate is not a PEM certificate")
            if self.ca is not None:
                if certificate.issuer != self.ca.subject:
                    raise Invalid(f"certificate '{certificate.subject.rfc4514_string()}' is not issued by the CA")
                try:
                    self.ca.public_key().verify(certificate.signature, certificate.tbs_certificate_bytes,
                                                ec.ECDSA(certificate.signature_hash_algorithm))
                except InvalidSignature:
                    raise Invalid(f"certificate '{certificate.subject.rfc4514_string()}' does not carry the CA's signature")
                units = [a.value for a in certificate.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATIONAL_UNIT_NAME)]
                if role not in units:
                    raise Invalid(f"certificate '{certificate.subject.rfc4514_string()}' is not a {role} certificate")
            self.checked[pem] = certificate
        certificate = self.checked[pem]
        at = datetime.datetime.fromtimestamp(at_ms / 1000, datetime.timezone.utc).replace(tzinfo=None)
        if not certificate.not_valid_before <= at <= certificate.not_valid_after:
            raise Invalid(f"{at:%Y-%m-%d %H:%M:%SZ} is outside the validity of {role} certificate "
                          f"'{certificate.subject.rfc4514_string()}'")
        key = certificate.public_key()
        if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
            raise Invalid(f"the {role} certificate does not hold a P-256 key")
        return key


def check_receipt(r, certificates):
    """Verifies a receipt's coordinator signature; r holds the ledger's or the log's names mapped to one set."""
    if not r["signature"] and not r["certificate"]:
        if certificates.ca is not None:
            raise Invalid(f"the receipt for task '{r['task']}' is not signed")
        return
    key = certificates.key_of(r["certificate"], "coordinator", r["received"])
    signed = receipt_bytes(r["task"], r["site"], r["run"], r["round"], r["outcome"], r["sha"], r["bytes"],
                           r["received"], r.get("head_seq"), r.get("head_sha"))
    if not p256_verifies(key, signed, b64(r["signature"])):
        raise Invalid(f"the coordinator's signature on the receipt for task '{r['task']}' does not verify")


def ledger_files(path):
    """The ledger's files in chain order: closed segments (<stem>.<12 digits><ext>) then the active file."""
    active = os.path.join(path, "ledger.jsonl") if os.path.isdir(path) else path
    folder, name = os.path.split(os.path.abspath(active))
    stem, ext = os.path.splitext(name)
    pattern = re.compile(re.escape(stem) + r"\.(\d{12})" + re.escape(ext) + "$")
    closed = sorted(f for f in os.listdir(folder) if pattern.match(f))
    files = [os.path.join(folder, f) for f in closed]
    if os.path.exists(active):
        files.append(active)
    if not files:
        raise OSError(f"no ledger at {path}")
    return files


def ledger_lines(path):
    """(file name or None, line number, bytes) of every line; a file not ending in a newline is a finding."""
    files = ledger_files(path)
    for file in files:
        name = os.path.basename(file) if len(files) > 1 else None
        with open(file, "rb") as f:
            data = f.read()
        lines = data.split(b"\n")
        if lines[-1] != b"":
            raise Invalid(f"line {len(lines)}{' of ' + name if name else ''}: the file ends in the middle of this line")
        for number, line in enumerate(lines[:-1], start=1):
            yield name, number, line


def verify_ledger(path, certificates):
    lines = list(ledger_lines(path))
    if not lines:
        raise Invalid("record 0 (line 1): the ledger is empty")
    previous, site_key, site_name = ZEROS, None, None
    sent, receipt_sites = {}, set()
    previous_file = None
    for seq, (file, number, line) in enumerate(lines):
        where = f"record {seq} (line {number}{' of ' + file if file else ''})"
        try:
            record = json.loads(line.decode("utf-8"), object_pairs_hook=strict_object)
            if not isinstance(record, dict):
                raise Invalid("not a JSON object")
            check_canonical(record, RECORD, "the record")
            if record.get("v") != 1 or record.get("seq") != seq:
                raise Invalid(f"version {record.get('v')} / sequence {record.get('seq')} where 1 / {seq} was expected")
            if record.get("prev") != previous:
                raise Invalid("its previous-record hash does not match the line before it")
            if not line.endswith(b'"}') or line[-(len(SIG_PREFIX) + SIG_CHARS + 2):-(SIG_CHARS + 2)] != SIG_PREFIX:
                raise Invalid("its signature is not the last property")
            unsigned = line[:-(len(SIG_PREFIX) + SIG_CHARS + 2)] + b"}"
            if seq == 0:
                site_key, site_name = genesis(record, certificates)
                genesis_key = record["genesis"]["public_key_pem"]
            elif record["kind"] == "genesis":
                raise Invalid("a second genesis record")
            elif number == 1 or record["kind"] == "segment":
                # Every segment after the first opens with a segment record naming the same key and the segment before.
                segment = record.get("segment")
                if record["kind"] != "segment" or not isinstance(segment, dict) or number != 1:
                    raise Invalid("a segment must open with a segment record, and only there")
                if segment["public_key_pem"] != genesis_key or segment.get("previous_file") != previous_file:
                    raise Invalid("the segment names another key, or not the segment before it")
            if not p256_verifies(site_key, unsigned, b64(record["sig"])):
                raise Invalid("its signature does not verify with the ledger's key")
            if record["kind"] == "push" and record.get("decision") == "sent":
                sent[seq] = (record.get("task"), record.get("payload_sha256", ""), record.get("payload_bytes", 0),
                             hashlib.sha256(line).hexdigest())
            if record["kind"] == "receipt":
                receipt = record.get("receipt")
                if not isinstance(receipt, dict):
                    raise Invalid("a receipt record without the receipt")
                fields = {"task": receipt["task"], "site": receipt["site"], "run": receipt["run"],
                          "round": receipt["round"], "outcome": receipt["outcome"], "sha": receipt["payload_sha256"],
                          "bytes": receipt["payload_bytes"], "received": receipt["received_unix_ms"],
                          "signature": receipt["signature"], "certificate": receipt["coordinator_certificate_pem"],
                          "head_seq": receipt.get("ledger_head_seq"), "head_sha": receipt.get("ledger_head_sha256")}
                check_receipt(fields, certificates)
                if not any(t == fields["task"] and s == fields["sha"] and b == fields["bytes"] for t, s, b, _ in sent.values()):
                    raise Invalid(f"the receipt for task '{fields['task']}' matches no result this ledger records as sent")
                if fields["site"]:
                    receipt_sites.add(fields["site"])
        except Invalid as e:
            raise Invalid(f"{where}: {e}")
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise Invalid(f"{where}: not a ledger record ({type(e).__name__}: {e})")
        previous = hashlib.sha256(line).hexdigest()
        previous_file = file
    return {"records": len(lines), "head": (len(lines) - 1, previous), "site": site_name, "sent": sent,
            "site_ids": receipt_sites or {site_name}}


def genesis(record, certificates):
    g = record.get("genesis")
    if record.get("kind") != "genesis" or not isinstance(g, dict):
        raise Invalid("the first record is not a genesis record")
    if g.get("sig_alg", "ecdsa-p256-sha256") != "ecdsa-p256-sha256":
        raise Invalid(f"unknown signature algorithm '{g['sig_alg']}'")
    key = serialization.load_pem_public_key(g["public_key_pem"].encode("ascii"))
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise Invalid("the ledger's key is not a P-256 key")
    if "certificate_pem" in g:
        certified = certificates.key_of(g["certificate_pem"], "site", record["time"])
        spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        if certified.public_bytes(*spki) != key.public_bytes(*spki):
            raise Invalid("the genesis public key is not the certificate's key")
    elif certificates.ca is not None:
        raise Invalid("the ledger's key is not certified by a CA (a development site)")
    return key, g["site"]


def read_receipt_log(path, certificates):
    receipts = []
    with open(path, "rb") as f:
        for number, line in enumerate(f.read().split(b"\n"), start=1):
            if not line.strip():
                continue
            try:
                r = json.loads(line.decode("utf-8"), object_pairs_hook=strict_object)
                fields = {"line": number, "task": r["task_id"], "site": r["site_id"], "run": r["run_id"],
                          "round": r["round"], "outcome": r["outcome"], "sha": r["payload_sha256"],
                          "bytes": r["payload_bytes"], "received": r["received_unix_ms"], "signature": r["signature"],
                          "certificate": r["coordinator_certificate_pem"], "head_seq": r.get("ledger_head_seq"),
                          "head_sha": r.get("ledger_head_sha256")}
                if not fields["signature"]:
                    raise Invalid(f"the receipt for task '{fields['task']}' is not signed")
                check_receipt(fields, certificates)
            except Invalid as e:
                raise Invalid(f"receipt log line {number}: {e}")
            except (ValueError, KeyError, TypeError) as e:
                raise Invalid(f"receipt log line {number}: not a receipt ({type(e).__name__}: {e})")
            receipts.append(fields)
    if not receipts:
        raise Invalid("the receipt log holds no receipt")
    return receipts


def check_heads(ledger, receipts, site_ids):
    head_seq = ledger["head"][0]
    for r in receipts:
        if r["site"] not in site_ids or r["head_sha"] is None:
            continue
        seq = r["head_seq"]
        if seq > head_seq:
            raise Invalid(f"the ledger ends at record {head_seq}, but the site declared record {seq} as its head when "
                          f"sending task '{r['task']}' (receipt log line {r['line']}): the ledger was cut")
        held = ledger["sent"].get(seq)
        if held is None or held[0] != r["task"] or held[3] != r["head_sha"]:
            raise Invalid(f"record {seq} is not the sent result for task '{r['task']}' the site declared as its head "
                          f"(receipt log line {r['line']})")


def main():
    parser = argparse.ArgumentParser(description="Verify a FedTransfer site ledger (docs/AUDIT-FORMAT.md).")
    parser.add_argument("ledger")
    parser.add_argument("--ca", help="the federation's CA certificate (PEM)")
    parser.add_argument("--receipts", help="the coordinator's receipts.jsonl")
    parser.add_argument("--site", help="the site's id in the receipt log (default: the ids on the ledger's receipts)")
    args = parser.parse_args()
    try:
        ca = None
        if args.ca:
            with open(args.ca, "rb") as f:
                ca = x509.load_pem_x509_certificate(f.read())
        certificates = Certificates(ca)
        ledger = verify_ledger(args.ledger, certificates)
        detail = ""
        if args.receipts:
            receipts = read_receipt_log(args.receipts, certificates)
            check_heads(ledger, receipts, {args.site} if args.site else ledger["site_ids"])
            detail = f"; {len(receipts)} receipts in the log verified, every declared head is in the ledger"
    except Invalid as e:
        print(f"INVALID {args.ledger}: {e}")
        return 2
    except (OSError, ValueError) as e:
        print(f"cannot read the input: {e}; check the paths and that they are the ledger, CA and receipt log", file=sys.stderr)
        return 1
    seq, sha = ledger["head"]
    print(f"VALID {args.ledger}: {ledger['records']} records of site '{ledger['site']}', every signature checked{detail}; "
          f"head: record {seq}, sha256 {sha}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
