"""Unit tests of command_client.py: replies correlated, calls that never hang."""

import concurrent.futures
import json
import threading

from esp32_drone_camera.command_client import CommandClient, NO_TRANSPORT, NOT_CONFIRMED


class FakeDevice:
    """Answers commands on another thread, like the link thread does."""

    def __init__(self, client_ref, answer=True):
        self.client_ref = client_ref
        self.answer = answer
        self.sent = []

    def send(self, text):
        self.sent.append(text)
        if self.answer:
            req = json.loads(text)
            reply = {'type': 'reply', 'id': req['id'], 'cmd': req['cmd'], 'ok': True,
                     'result': {'echo': req.get('arg')}}
            threading.Timer(0.01, self.client_ref[0].on_reply, args=(reply,)).start()
        return True


def test_command_client_correlates_concurrent_calls():
    ref = []
    device = FakeDevice(ref)
    client = CommandClient(lambda: ('websocket', device.send), lambda: 'tok')
    ref.append(client)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda i: client.call('quality', i, 2.0), range(20)))
    assert [r.result['echo'] for r in replies] == list(range(20))
    assert all(json.loads(t)['token'] == 'tok' for t in device.sent)


def test_command_client_never_hangs():
    ref = []
    device = FakeDevice(ref, answer=False)
    client = CommandClient(lambda: ('serial', device.send), lambda: 'tok')
    ref.append(client)
    reply = client.call('stop', timeout=0.2)
    assert not reply.ok and reply.error == NOT_CONFIRMED and 'did not confirm' in reply.message
    assert 'token' not in json.loads(device.sent[0])  # serial is trusted: no token sent
    none = CommandClient(lambda: (None, 'no link'), lambda: '')
    assert none.call('stop').error == NO_TRANSPORT
    assert not client.on_reply({'id': 'r999'})
