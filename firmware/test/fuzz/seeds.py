#!/usr/bin/env python3
"""Write libFuzzer seed corpora from the shared protocol vectors.

usage: seeds.py VECTORS_DIR OUT_DIR   (creates OUT_DIR/<harness>/seed-N)
"""
import json
import os
import sys


def write(directory, items):
    os.makedirs(directory, exist_ok=True)
    for n, item in enumerate(items):
        with open(os.path.join(directory, f'seed-{n}'), 'wb') as f:
            f.write(item)


def main(vectors, out):
    with open(os.path.join(vectors, 'commands.json'), encoding='utf-8') as f:
        commands = json.load(f)
    with open(os.path.join(vectors, 'messages.json'), encoding='utf-8') as f:
        messages = json.load(f)
    requests = [c['request'].encode() for c in commands['cases']]
    lines = [c['line'].encode() for c in commands['human']]
    texts = [c['text'].encode() for c in messages['cases']]
    write(os.path.join(out, 'fuzz_json_reader'), requests + texts)
    # fuzz_commands: first byte = entry point (0 ws json, 1 serial json, 2 human,
    # 3 ws text, 4 serial bytes), high bit = token configured.
    seeds = []
    for r in requests:
        seeds += [b'\x00' + r, b'\x01' + r, b'\x80' + r[:-1] + b',"token":"fuzz-Token_42"}']
    seeds += [b'\x02' + line for line in lines]
    seeds += [b'\x03PING', b'\x03PING 1700000000123456789', b'\x03' + requests[0]]
    seeds += [b'\x04' + b'\n'.join(lines) + b'\n', b'\x04' + b'x' * 300 + b'\nstats\r\n']
    write(os.path.join(out, 'fuzz_commands'), seeds)
    # fuzz_stream_hub: one event per byte (low nibble: event, high: argument).
    write(os.path.join(out, 'fuzz_stream_hub'), [
        bytes([0x00, 0x10, 0x20, 0x02, 0x04, 0x02, 0x06, 0x09, 0x14]),  # three viewers, frames
        bytes([0x00, 0x02, 0x07, 0x58, 0x58, 0x02, 0x04]),  # a lost send reclaimed
        bytes([0x00, 0x02, 0x01, 0x00, 0x02, 0x04, 0x04]),  # fd reused mid-send
    ])
    # fuzz_jpeg_header: the frame vectors, and an OV2640-shaped header (two DQT,
    # SOF0 640x480, DHT, SOS).
    with open(os.path.join(vectors, 'frames.json'), encoding='utf-8') as f:
        frames = json.load(f)
    header = (b'\xff\xd8' + (b'\xff\xdb\x00\x43' + bytes(65)) * 2
              + b'\xff\xc0\x00\x11\x08\x01\xe0\x02\x80\x03\x01\x21\x00\x02\x11\x01\x03\x11\x01'
              + b'\xff\xc4\x00\x04\x00\x00' + b'\xff\xda\x00\x04\x01\x00\x12\xff\xd9')
    write(os.path.join(out, 'fuzz_jpeg_header'),
          [bytes.fromhex(c['hex']) for c in frames['cases']] + [header])


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
