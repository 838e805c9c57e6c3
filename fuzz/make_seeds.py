#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the protocol fuzz target into fuzz/seeds/ (re-run after changing it).

An input is one selector byte then the bytes a client writes (see Sources/PumpFuzzing/FuzzInput.swift):
'0' nurse/idle, '1' observer/idle, '2' outsider/idle, '3' nurse/paused, '4' observer/paused,
'5' outsider/paused; 0xF0 (nurse/idle) and 0xF3 (nurse/paused) pad the first line to the 64 KiB limit
(next byte: -2..+1).
"""
import hashlib, json, os

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "seeds")
os.makedirs(out, exist_ok=True)

def req(command, params=None, id="s1", **extra):
    body = {"v": 1, "id": id, "command": command}
    if params is not None:
        body["params"] = params
    body.update(extra)
    return json.dumps(body, separators=(",", ":"))

mood = {"drug": "ketamine", "profile": "mood", "weight_kg": 70, "dose_mg_per_kg": 0.5, "duration_min": 40,
        "concentration_mg_per_ml": 1, "syringe": "bd-50", "confirmed": True}
pain = {"drug": "ketamine", "profile": "pain", "weight_kg": 82.5, "rate_mg_per_kg_per_h": 0.35, "duration_min": 90,
        "concentration_mg_per_ml": 2, "syringe": "terumo-50", "height_cm": 180, "sex": "male",
        "dosing_weight": "adjusted", "patient_id": "P-17", "confirmed": True}
valid = [
    req("status"), req("log"), req("log", {"since": "2025-01-31T14:05:00Z", "limit": 20}),
    req("validate", dict(mood, confirmed=False)), req("validate", pain), req("start", mood), req("start", pain),
    req("pause"), req("resume"), req("stop"), req("estop"), req("ack"), req("ack", {"code": "estop"}),
    req("titrate", {"dose_mg_per_kg": 0.6, "dry_run": True, "confirmed": False}),
    req("titrate", {"duration_min": 60, "dry_run": False, "confirmed": True}),
    req("titrate", {"rate_mg_per_kg_per_h": 0.4, "dry_run": True, "confirmed": False, "override_reason": "x"}),
    req("resume-interrupted", {"confirmed": True, "override_reason": "checked"}),
] + [req("sim-inject", {"fault": f}) for f in ["occlusion", "occlusion-release", "stall", "disengage",
                                                "estop-button", "estop-release", "gpio-write-failure", "syringe-removed"]]
invalid = [
    "", " ", "{}", "[]", "null", "1", '"status"', "{not json", '{"v":1,"id":"x","command":"infuse-everything"}',
    '{"v":2,"id":"x","command":"status"}', '{"v":"1","id":"x","command":"status"}', '{"v":1.5,"id":"x","command":"status"}',
    '{"id":"x","command":"status"}', '{"v":1,"command":"status"}', '{"v":1,"id":"","command":"status"}',
    '{"v":1,"id":"' + "i" * 129 + '","command":"status"}', '{"v":1,"id":"x","command":"status","extra":1}',
    '{"v":1,"id":"x","command":"status","params":{"a":1}}', '{"v":1,"id":"x","command":"status",}',
    '{"v":1,"id":"x","id":"y","command":"status"}', '{"v":1,"id":"x","command":"estop","command":"status"}',
    '{"v":1,"id":"x","command":"st\\u0061tus"}', '{"v":1,"id":"\\ud800","command":"status"}',
    '{"v":1e400,"id":"x","command":"status"}', '{"v":1,"id":"x","command":"log","params":{"limit":0}}',
    '{"v":1,"id":"x","command":"log","params":{"limit":2.5}}', '{"v":1,"id":"x","command":"log","params":{"since":"yesterday"}}',
    '{"v":1,"id":"x","command":"sim-inject","params":{"fault":"meteor"}}', '{"v":1,"id":"x","command":"ack","params":{"code":"nope"}}',
    req("start", dict(mood, confirmed=False)), req("start", dict(mood, weight_kg=-70)), req("start", dict(mood, weight_kg=7000)),
    req("start", dict(mood, dose_mg_per_kg=5)), req("start", dict(mood, concentration_mg_per_ml=50)),
    req("start", dict(mood, syringe="bd-5000")), req("start", dict(mood, drug="propofol")), req("start", dict(mood, dose_mg_mg=1)),
    req("start", dict(mood, weight_kg=1e308)), req("start", dict(mood, duration_min=0)),
    req("titrate", {"dose_mg_per_kg": 0.6, "duration_min": 60, "dry_run": True, "confirmed": False}),
    req("titrate", {"dose_mg_per_kg": 9, "dry_run": False, "confirmed": True}),
    req("titrate", {"dose_mg_per_kg": 0.6, "dry_run": False, "confirmed": False}),
    req("resume-interrupted", {"confirmed": False}), req("resume-interrupted"),
    '{"v":1,"id":"x","command":"status","params":null}', '[' * 40 + ']' * 40, '{"a":' * 40 + '1' + '}' * 40,
    '{"v":-0,"id":"x","command":"status"}', '{"v":1.0e0,"id":"x","command":"status"}', '{"v":01,"id":"x","command":"status"}',
    '\t{"v":1,"id":"x","command":"status"}\r',
]

def write(name, data):
    path = os.path.join(out, name)
    with open(path, "wb") as f:
        f.write(data)

for i, line in enumerate(valid):
    for sel in "0134":
        write(f"valid-{i:02d}-{sel}", sel.encode() + line.encode() + b"\n")
    write(f"valid-{i:02d}-2", b"2" + line.encode() + b"\n")
    write(f"valid-{i:02d}-5", b"5" + line.encode() + b"\n")
for i, line in enumerate(invalid):
    write(f"invalid-{i:02d}-0", b"0" + line.encode() + b"\n")
    write(f"invalid-{i:02d}-3", b"3" + line.encode() + b"\n")
# Several requests on one connection, CRLF, a partial last line, raw bytes.
write("multi-0", b"0" + "\n".join([req("status"), "{bad", req("validate", mood), req("start", mood), req("status")]).encode() + b"\n")
write("multi-3", b"3" + "\r\n".join([req("titrate", {"duration_min": 60, "dry_run": True, "confirmed": False}), req("resume"), req("pause")]).encode() + b"\r\n")
write("partial-0", b"0" + req("estop").encode()[:-3])
write("binary-0", b"0" + bytes(range(256)) + b"\n")
write("invalid-utf8-0", b"0\xff\xfe" + req("status").encode() + b"\n\xc3\x28\n")
write("nul-0", b'0{"v":1,"id":"x\x00","command":"status"}\n')
# The 64 KiB limit: padded to limit-2, -1, 0, +1.
for k in range(4):
    write(f"limit-{k}-0", b"\xf0" + bytes([k]) + req("status").encode() + b"\n" + req("status", id="after").encode() + b"\n")
    write(f"limit-{k}-3", b"\xf3" + bytes([k]) + req("status").encode() + b"\n" + req("status", id="after").encode() + b"\n")
# Magnitudes that are finite but trap an unchecked Int64(...) somewhere downstream (safety kernel v2: 1e-14 mg/mL and
# 1e14 mg/kg killed pumpd): every numeric field of start, validate and titrate, as an idle and a paused nurse.
extremes = ["1e14", "1e-14", "1e308", "1e-300", "5e-324", "-1e308", "9.3e18", "-0.0"]
fields = ["weight_kg", "height_cm", "dose_mg_per_kg", "rate_mg_per_kg_per_h", "duration_min", "concentration_mg_per_ml"]
for fi, field in enumerate(fields):
    for vi, value in enumerate(extremes):
        params = dict(mood, confirmed=False)
        text = req("validate", params).replace('"confirmed":false', '"confirmed":false,"%s":%s' % (field, value)) \
            if field not in params else req("validate", params).replace('"%s":%s' % (field, json.dumps(params[field])), '"%s":%s' % (field, value))
        write(f"extreme-validate-{fi}-{vi}-1", b"1" + text.encode() + b"\n")
        write(f"extreme-start-{fi}-{vi}-0", b"0" + text.replace('"validate"', '"start"').replace('"confirmed":false', '"confirmed":true').encode() + b"\n")
    for vi, value in enumerate(extremes):
        if field in ("dose_mg_per_kg", "rate_mg_per_kg_per_h", "duration_min"):
            body = '{"v":1,"id":"s1","command":"titrate","params":{"%s":%s,"dry_run":false,"confirmed":true}}' % (field, value)
            write(f"extreme-titrate-{fi}-{vi}-3", b"3" + body.encode() + b"\n")
print(len(os.listdir(out)), "seeds in", out)
