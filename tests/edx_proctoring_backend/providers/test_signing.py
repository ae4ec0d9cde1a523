"""Webhook and request signatures: round trips, every rejection, and fuzzing of the verifiers."""
import base64
import hashlib
import hmac
import pickle
import re
from datetime import datetime, timezone as dt_timezone

import pytest
from django.http.request import HttpHeaders
from hypothesis import event, given, settings, strategies as st

from edx_proctoring_backend.providers.signing import (
    MAX_SIGNATURE_ENTRIES, MAX_WEBHOOK_TIME, RequestSignatureError, WebhookMessage, WebhookVerificationError,
    sign_request, sign_webhook, verify_request, verify_webhook,
)

NOW = 1_700_000_000
KEY = bytes(range(32))
SECRET = 'whsec_' + base64.b64encode(KEY).decode()
OLD_SECRET = 'whsec_' + base64.b64encode(b'an older key, still accepted').decode()
BODY = b'{"attempt": "abc", "review": "passed"}'
MESSAGE_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W'
FUZZ = settings(max_examples=300, deadline=None)


def webhook_headers(secret=SECRET, message_id=MESSAGE_ID, timestamp=NOW, body=BODY):
    return {
        'webhook-id': message_id,
        'webhook-timestamp': str(timestamp),
        'webhook-signature': sign_webhook(secret, message_id, timestamp, body),
    }


def webhook_reason(headers, body=BODY, secrets=(SECRET,), now=NOW):
    with pytest.raises(WebhookVerificationError) as caught:
        verify_webhook(list(secrets), headers, body, now=now)
    return caught.value.reason


# Webhooks

def test_standard_webhooks_reference_signature():
    # The test vector published with the Standard Webhooks specification (and Svix's libraries).
    signature = sign_webhook(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330,
        b'{"test": 2432232314}',
    )
    assert signature == 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='


def test_webhook_round_trip():
    assert verify_webhook([SECRET], webhook_headers(), BODY, now=NOW) == WebhookMessage(MESSAGE_ID, NOW)


def test_whsec_secret_is_decoded_and_raw_secret_is_utf8():
    signed = f'{MESSAGE_ID}.{NOW}.'.encode() + BODY
    from_key = 'v1,' + base64.b64encode(hmac.new(KEY, signed, hashlib.sha256).digest()).decode()
    assert sign_webhook(SECRET, MESSAGE_ID, NOW, BODY) == from_key
    raw = 'plain sécret'
    from_raw = 'v1,' + base64.b64encode(hmac.new(raw.encode(), signed, hashlib.sha256).digest()).decode()
    assert sign_webhook(raw, MESSAGE_ID, NOW, BODY) == from_raw
    assert verify_webhook([raw], webhook_headers(secret=raw), BODY, now=NOW).message_id == MESSAGE_ID


def test_whsec_secret_without_padding_is_accepted():
    unpadded = 'whsec_' + base64.b64encode(b'12345').decode().rstrip('=')
    assert sign_webhook(unpadded, MESSAGE_ID, NOW, BODY) == sign_webhook(b'12345', MESSAGE_ID, NOW, BODY)


def test_malformed_whsec_secret_is_a_configuration_error_that_does_not_show_the_secret():
    with pytest.raises(ValueError) as caught:
        verify_webhook(['whsec_not*base64'], webhook_headers(), BODY, now=NOW)
    assert not isinstance(caught.value, WebhookVerificationError)
    assert 'not*base64' not in str(caught.value)


def test_rotation_old_and_new_secrets_and_several_entries():
    old_headers = webhook_headers(secret=OLD_SECRET)
    assert verify_webhook([SECRET, OLD_SECRET], old_headers, BODY, now=NOW).message_id == MESSAGE_ID
    both = webhook_headers()
    both['webhook-signature'] = ' '.join([
        'v1a,c29tZXRoaW5nIGVsc2U=', 'v1,bm90IGl0', old_headers['webhook-signature'], both['webhook-signature'],
    ])
    assert verify_webhook([SECRET], both, BODY, now=NOW).timestamp == NOW
    assert verify_webhook([OLD_SECRET], both, BODY, now=NOW).timestamp == NOW


def test_a_single_secret_string_is_not_split_into_characters():
    assert verify_webhook(SECRET, webhook_headers(), BODY, now=NOW).message_id == MESSAGE_ID


def test_header_names_in_any_case():
    headers = {name.upper(): value for name, value in webhook_headers().items()}
    assert verify_webhook([SECRET], headers, BODY, now=NOW).message_id == MESSAGE_ID
    headers = {name.title(): value for name, value in webhook_headers().items()}
    assert verify_webhook([SECRET], headers, BODY, now=NOW).message_id == MESSAGE_ID


def test_django_request_headers():
    meta = {'HTTP_' + name.upper().replace('-', '_'): value for name, value in webhook_headers().items()}
    assert verify_webhook([SECRET], HttpHeaders(meta), BODY, now=NOW).message_id == MESSAGE_ID


def test_surrounding_whitespace_in_header_values_is_ignored():
    headers = {name: f' {value}\t' for name, value in webhook_headers().items()}
    assert verify_webhook([SECRET], headers, BODY, now=NOW).message_id == MESSAGE_ID


@pytest.mark.parametrize('secrets', [[], None, [''], ['whsec_']])
def test_no_usable_secret(secrets):
    with pytest.raises(WebhookVerificationError) as caught:
        verify_webhook(secrets, webhook_headers(), BODY, now=NOW)
    assert caught.value.reason == 'no_secret'


@pytest.mark.parametrize('name', ['webhook-id', 'webhook-timestamp', 'webhook-signature'])
def test_missing_or_empty_header(name):
    headers = webhook_headers()
    del headers[name]
    assert webhook_reason(headers) == 'missing_headers'
    headers[name] = '  '
    assert webhook_reason(headers) == 'missing_headers'


def test_conflicting_duplicate_headers_are_refused():
    headers = webhook_headers()
    headers['Webhook-Id'] = 'msg_other'
    assert webhook_reason(headers) == 'missing_headers'
    headers['Webhook-Id'] = MESSAGE_ID
    assert verify_webhook([SECRET], headers, BODY, now=NOW).message_id == MESSAGE_ID


@pytest.mark.parametrize('message_id', ['msg with space', 'msg_é', 'x' * 256])
def test_unusable_message_id(message_id):
    headers = webhook_headers()
    headers['webhook-id'] = message_id
    assert webhook_reason(headers) == 'missing_headers'
    with pytest.raises(ValueError):
        sign_webhook(SECRET, message_id, NOW, BODY)


def test_oversized_header_is_refused_before_parsing():
    headers = webhook_headers()
    headers['webhook-signature'] = 'v1,' + 'A' * 5000
    assert webhook_reason(headers) == 'missing_headers'


@pytest.mark.parametrize('timestamp', ['1700000000.0', '-1700000000', '+1700000000', '1_700_000_000', 'abc',
                                       '\u0661\u0667', '1' * 13])
def test_bad_timestamp(timestamp):
    headers = webhook_headers()
    headers['webhook-timestamp'] = timestamp
    assert webhook_reason(headers) == 'bad_timestamp'


@pytest.mark.parametrize('now, accepted', [
    (NOW + 300, True), (NOW - 300, True), (NOW + 301, False), (NOW - 301, False), (NOW + 300.5, False),
])
def test_tolerance_both_ways(now, accepted):
    if accepted:
        assert verify_webhook([SECRET], webhook_headers(), BODY, now=now).timestamp == NOW
    else:
        assert webhook_reason(webhook_headers(), now=now) == 'stale'


def test_tolerance_is_configurable():
    assert verify_webhook([SECRET], webhook_headers(), BODY, now=NOW + 3600, tolerance_seconds=3600)
    with pytest.raises(WebhookVerificationError):
        verify_webhook([SECRET], webhook_headers(), BODY, now=NOW + 11, tolerance_seconds=10)


def test_default_now_is_the_clock():
    with pytest.raises(WebhookVerificationError) as caught:
        verify_webhook([SECRET], webhook_headers(), BODY)
    assert caught.value.reason == 'stale'


def test_altered_body_id_or_timestamp_or_wrong_secret():
    assert webhook_reason(webhook_headers(), body=BODY + b' ') == 'bad_signature'
    headers = webhook_headers()
    headers['webhook-id'] = 'msg_other'
    assert webhook_reason(headers) == 'bad_signature'
    headers = webhook_headers()
    headers['webhook-timestamp'] = str(NOW + 1)
    assert webhook_reason(headers) == 'bad_signature'
    assert webhook_reason(webhook_headers(secret=OLD_SECRET)) == 'bad_signature'


@pytest.mark.parametrize('signature', ['', 'v1', 'v1,', 'v2,AAAA', 'v1,not base64!', 'v1a,AAAA', 'garbage'])
def test_garbage_signature_entries(signature):
    headers = webhook_headers()
    headers['webhook-signature'] = signature
    assert webhook_reason(headers) in {'bad_signature', 'missing_headers'}


def test_only_the_first_entries_are_tried():
    good = webhook_headers()['webhook-signature']
    junk = ['v1,' + base64.b64encode(bytes([i]) * 32).decode() for i in range(MAX_SIGNATURE_ENTRIES)]
    headers = webhook_headers()
    headers['webhook-signature'] = ' '.join(junk + [good])
    assert webhook_reason(headers) == 'bad_signature'
    headers['webhook-signature'] = ' '.join(junk[1:] + [good])
    assert verify_webhook([SECRET], headers, BODY, now=NOW).message_id == MESSAGE_ID


def test_error_shows_neither_signature_nor_secret():
    expected = webhook_headers()['webhook-signature']
    headers = webhook_headers()
    headers['webhook-signature'] = 'v1,' + base64.b64encode(b'x' * 32).decode()
    with pytest.raises(WebhookVerificationError) as caught:
        verify_webhook([SECRET], headers, BODY, now=NOW)
    shown = ' '.join([str(caught.value), repr(caught.value), repr(caught.value.args)])
    for secret_text in [expected, expected[3:], SECRET, SECRET[6:], KEY.hex(), MESSAGE_ID]:
        assert secret_text not in shown
    assert caught.value.reason == 'bad_signature'


def test_errors_survive_pickling():
    for original in [WebhookVerificationError('stale'), RequestSignatureError('malformed')]:
        copy = pickle.loads(pickle.dumps(original))
        assert (type(copy), copy.reason, str(copy)) == (type(original), original.reason, str(original))


@pytest.mark.parametrize('timestamp', [-1, 1.5, True, '17e8', None])
def test_sign_webhook_refuses_timestamps_verify_would_not_accept(timestamp):
    with pytest.raises(ValueError):
        sign_webhook(SECRET, MESSAGE_ID, timestamp, BODY)


def test_sign_webhook_refuses_an_empty_secret():
    with pytest.raises(ValueError):
        sign_webhook('', MESSAGE_ID, NOW, BODY)


# Signed requests

KEY_ID = 'edx-2026'
REQUEST_SECRET = 'vendor issued secret'
SECRETS_BY_KEY_ID = {KEY_ID: REQUEST_SECRET, 'edx-2025': b'old secret'}
PATH = '/api/v2/exams/42/attempts?include=review&x=%20'
NONCE = '0123456789abcdef'


def signed_headers(method='POST', path=PATH, body=BODY, key_id=KEY_ID, secret=REQUEST_SECRET, timestamp=NOW):
    return sign_request(key_id, secret, method, path, body, timestamp=timestamp, nonce=NONCE)


def request_reason(headers, method='POST', path=PATH, body=BODY, now=NOW):
    with pytest.raises(RequestSignatureError) as caught:
        verify_request(SECRETS_BY_KEY_ID, method, path, headers, body, now=now)
    return caught.value.reason


def test_request_headers_format():
    headers = signed_headers()
    signed = '\n'.join(['POST', PATH, str(NOW), NONCE, hashlib.sha256(BODY).hexdigest()]).encode()
    sig = base64.b64encode(hmac.new(REQUEST_SECRET.encode(), signed, hashlib.sha256).digest()).decode()
    assert headers == {
        'Authorization': f'HMAC-SHA256 key="{KEY_ID}", ts="{NOW}", nonce="{NONCE}", sig="{sig}"',
        'Content-SHA256': hashlib.sha256(BODY).hexdigest(),
    }


def test_request_round_trip_with_defaults():
    headers = sign_request(KEY_ID, REQUEST_SECRET, 'get', '/api/v2/exams', None)
    key_id, nonce = verify_request(SECRETS_BY_KEY_ID, 'GET', '/api/v2/exams', headers, b'')
    assert key_id == KEY_ID
    assert re.fullmatch('[0-9a-f]{16}', nonce)
    assert sign_request(KEY_ID, REQUEST_SECRET, 'GET', '/', b'')['Authorization'] != headers['Authorization']


def test_request_rotation_by_key_id():
    headers = signed_headers(key_id='edx-2025', secret=b'old secret')
    assert verify_request(SECRETS_BY_KEY_ID, 'POST', PATH, headers, BODY, now=NOW) == ('edx-2025', NONCE)


def test_request_header_names_in_any_case_and_django_headers():
    headers = {name.lower(): value for name, value in signed_headers().items()}
    assert verify_request(SECRETS_BY_KEY_ID, 'POST', PATH, headers, BODY, now=NOW) == (KEY_ID, NONCE)
    meta = {'HTTP_AUTHORIZATION': headers['authorization'], 'HTTP_CONTENT_SHA256': headers['content-sha256']}
    assert verify_request(SECRETS_BY_KEY_ID, 'POST', PATH, HttpHeaders(meta), BODY, now=NOW) == (KEY_ID, NONCE)


def test_authorization_parameters_in_any_order_and_spacing():
    headers = signed_headers()
    params = headers['Authorization'].split(' ', 1)[1].split(', ')
    headers['Authorization'] = 'hmac-sha256   ' + ' ,'.join(reversed(params)) + ' '
    headers['Content-SHA256'] = headers['Content-SHA256'].upper()
    assert verify_request(SECRETS_BY_KEY_ID, 'POST', PATH, headers, BODY, now=NOW) == (KEY_ID, NONCE)


@pytest.mark.parametrize('name', ['Authorization', 'Content-SHA256'])
def test_request_missing_header(name):
    headers = signed_headers()
    del headers[name]
    assert request_reason(headers) == 'missing_headers'
    headers[name] = ''
    assert request_reason(headers) == 'missing_headers'


def _with_authorization(text):
    headers = signed_headers()
    headers['Authorization'] = text
    return headers


@pytest.mark.parametrize('mutate', [
    lambda a: a.replace('HMAC-SHA256', 'Bearer'),
    lambda a: a.replace('HMAC-SHA256 ', 'HMAC-SHA256'),
    lambda a: a + ', key="edx-2025"',
    lambda a: a + ', ts="1"',
    lambda a: a + ', extra="1"',
    lambda a: a.replace(f', nonce="{NONCE}"', ''),
    lambda a: a.replace(', ', ' '),
    lambda a: a.replace(', ', ',,'),
    lambda a: a + ',',
    lambda a: a.replace('key="', 'key=').replace(f'{KEY_ID}"', KEY_ID),
    lambda a: a.replace(KEY_ID, 'edx\\"2026'),
    lambda a: a.replace(KEY_ID, 'edx 2026'),
    lambda a: a.replace(f'ts="{NOW}"', 'ts="-1"'),
    lambda a: a.replace(NONCE, NONCE.upper()),
    lambda a: a.replace(NONCE, 'abc'),
    lambda a: a.replace('sig="', 'sig="!'),
    lambda a: a + ' trailing',
    lambda a: a * 2,
    lambda a: a + ' ' * 5000,
])
def test_malformed_authorization(mutate):
    assert request_reason(_with_authorization(mutate(signed_headers()['Authorization']))) == 'malformed'


def test_malformed_content_hash_method_or_path():
    headers = signed_headers()
    headers['Content-SHA256'] = 'abc'
    assert request_reason(headers) == 'malformed'
    assert request_reason(signed_headers(), method='PO\nST') == 'malformed'
    assert request_reason(signed_headers(), path='/api/v2/exams/42\n/attempts') == 'malformed'
    assert request_reason(signed_headers(), path='/exams/é') == 'malformed'


def test_unknown_or_blank_key():
    assert request_reason(signed_headers(key_id='someone-else')) == 'unknown_key'
    with pytest.raises(RequestSignatureError) as caught:
        verify_request({KEY_ID: ''}, 'POST', PATH, signed_headers(), BODY, now=NOW)
    assert caught.value.reason == 'unknown_key'


@pytest.mark.parametrize('now, accepted', [(NOW + 300, True), (NOW - 300, True), (NOW + 301, False),
                                           (NOW - 301, False)])
def test_request_tolerance_both_ways(now, accepted):
    if accepted:
        assert verify_request(SECRETS_BY_KEY_ID, 'POST', PATH, signed_headers(), BODY, now=now) == (KEY_ID, NONCE)
    else:
        assert request_reason(signed_headers(), now=now) == 'stale'


def test_body_mismatch_and_bad_signature():
    assert request_reason(signed_headers(), body=BODY + b'!') == 'body_mismatch'
    altered = signed_headers()
    altered['Content-SHA256'] = hashlib.sha256(BODY + b'!').hexdigest()
    assert request_reason(altered, body=BODY + b'!') == 'bad_signature'
    assert request_reason(signed_headers(), method='PUT') == 'bad_signature'
    assert request_reason(signed_headers(), path=PATH + '&y=1') == 'bad_signature'
    assert request_reason(signed_headers(secret='wrong')) == 'bad_signature'
    # The method is upper-cased on both sides, as the scheme says.
    assert verify_request(SECRETS_BY_KEY_ID, 'post', PATH, signed_headers(), BODY, now=NOW) == (KEY_ID, NONCE)


def test_request_error_shows_neither_signature_nor_secret():
    good = signed_headers()['Authorization']
    expected_sig = good.split('sig="')[1].rstrip('"')
    forged = good.replace(expected_sig, base64.b64encode(b'y' * 32).decode())
    with pytest.raises(RequestSignatureError) as caught:
        verify_request(SECRETS_BY_KEY_ID, 'POST', PATH, _with_authorization(forged), BODY, now=NOW)
    shown = ' '.join([str(caught.value), repr(caught.value), repr(caught.value.args)])
    assert caught.value.reason == 'bad_signature'
    for secret_text in [expected_sig, REQUEST_SECRET, KEY_ID, NONCE]:
        assert secret_text not in shown


@pytest.mark.parametrize('kwargs', [
    {'key_id': 'has "quote"'}, {'key_id': ''}, {'secret': ''}, {'method': 'GE T'}, {'path': '/a b'},
    {'nonce': 'XYZ'}, {'timestamp': -5},
])
def test_sign_request_refuses_what_verify_would_refuse(kwargs):
    arguments = {'key_id': KEY_ID, 'secret': REQUEST_SECRET, 'method': 'GET', 'path': '/', 'nonce': NONCE,
                 'timestamp': NOW}
    arguments.update(kwargs)
    with pytest.raises(ValueError):
        sign_request(arguments['key_id'], arguments['secret'], arguments['method'], arguments['path'], b'',
                     timestamp=arguments['timestamp'], nonce=arguments['nonce'])


# Fuzzing: the verifiers return a result or raise their own error, nothing else.

def _b64(raw):
    return base64.b64encode(raw).decode()


def _mostly(valid, size=20):
    """Values that are well-formed seven times in eight, so fuzzing gets past the first checks, else any text."""
    # one_of() would not do: it draws its branches far from evenly.
    return st.integers(0, 7).flatmap(lambda choice: valid if choice else st.text(max_size=size))


SIGNATURE_ENTRY = st.builds(lambda version, raw: f'{version},{_b64(raw)}',
                            st.sampled_from(['v1', 'v1', 'v1a', 'v2', '']), st.binary(max_size=40))
UNIX_TIME_NEAR_NOW = st.integers(NOW - 400, NOW + 400).map(str)
WEBHOOK_HEADER_VALUES = {
    'webhook-id': _mostly(st.from_regex(r'[!-~]{1,40}', fullmatch=True), size=300),
    'Webhook-Timestamp': _mostly(UNIX_TIME_NEAR_NOW),
    'WEBHOOK-SIGNATURE': _mostly(st.lists(SIGNATURE_ENTRY, max_size=12).map(' '.join), size=200),
}


@st.composite
def _usually_present(draw, values_by_name):
    """Each entry is there nine times in ten: absent ones stop verification at the first check."""
    return {name: draw(values) for name, values in values_by_name.items() if draw(st.integers(0, 9))}


WEBHOOK_HEADERS = _usually_present(WEBHOOK_HEADER_VALUES)
ANY_HEADERS = st.dictionaries(st.text(max_size=20), st.text(max_size=40), max_size=4)


@FUZZ
@given(known=WEBHOOK_HEADERS, others=ANY_HEADERS, body=st.binary(max_size=200))
def test_fuzz_verify_webhook_raises_only_its_own_error(known, others, body):
    headers = dict(others, **known)
    try:
        result = verify_webhook([SECRET, OLD_SECRET], headers, body, now=NOW)
    except WebhookVerificationError as error:
        # event(): --hypothesis-show-statistics tells how deep the inputs got.
        event(error.reason)
        assert error.reason in WebhookVerificationError.MESSAGES
    else:
        # Reaching here without the secret would be a forgery.
        pytest.fail(f'accepted an unsigned webhook: {result!r}')


@FUZZ
@given(message_id=st.from_regex(r'[!-~]{1,255}', fullmatch=True), timestamp=st.integers(0, MAX_WEBHOOK_TIME),
       body=st.binary(max_size=500), secret=st.one_of(
           st.text(min_size=1).filter(lambda text: not text.startswith('whsec_')),
           st.binary(min_size=1),
           st.binary(min_size=1).map(lambda key: 'whsec_' + _b64(key)),
       ))
def test_fuzz_webhook_round_trip(message_id, timestamp, body, secret):
    headers = {'webhook-id': message_id, 'webhook-timestamp': str(timestamp),
               'webhook-signature': sign_webhook(secret, message_id, timestamp, body)}
    assert verify_webhook([secret], headers, body, now=timestamp) == WebhookMessage(message_id, timestamp)


def test_webhook_times_end_with_the_year_9999():
    with pytest.raises(ValueError):
        sign_webhook(SECRET, 'msg_1', MAX_WEBHOOK_TIME + 1, b'{}')
    headers = {'webhook-id': 'msg_1', 'webhook-timestamp': str(MAX_WEBHOOK_TIME + 1), 'webhook-signature': 'v1,AA=='}
    with pytest.raises(WebhookVerificationError) as refused:
        verify_webhook([SECRET], headers, b'{}', now=MAX_WEBHOOK_TIME + 1)
    assert refused.value.reason == 'bad_timestamp'


def test_signatures_are_the_reference_librarys():
    """The signature is the one the Standard Webhooks reference library computes, byte for byte."""
    from standardwebhooks.webhooks import Webhook  # pylint: disable=import-outside-toplevel
    key = b'a raw key of some length'
    moment = datetime(2026, 12, 7, 12, 0, tzinfo=dt_timezone.utc)
    assert sign_webhook(key, 'msg_1', int(moment.timestamp()), b'{"a": 1}') == \
        Webhook(key).sign('msg_1', moment, b'{"a": 1}')


AUTHORIZATION_PARAMS = {
    'key': _mostly(st.sampled_from([KEY_ID, 'edx-2025', 'nobody'])),
    'ts': _mostly(UNIX_TIME_NEAR_NOW),
    'nonce': _mostly(st.from_regex(r'[0-9a-f]{16,64}', fullmatch=True)),
    'sig': _mostly(st.binary(min_size=32, max_size=32).map(_b64), size=50),
}


@st.composite
def authorization_headers(draw):
    """Authorization text: mostly our scheme with the four parameters, shuffled, some missing, some extra."""
    params = list(draw(_usually_present(AUTHORIZATION_PARAMS)).items())
    if not draw(st.integers(0, 9)):
        params.append(draw(st.tuples(st.sampled_from(['key', 'sig', 'other', '']), st.text(max_size=20))))
    params = draw(st.permutations(params))
    scheme = draw(st.sampled_from(['HMAC-SHA256 '] * 8 + ['hmac-sha256  ', 'Bearer ', '']))
    separator = draw(st.sampled_from([', '] * 8 + [',', ' , ', ' ', ',,']))
    return scheme + separator.join(f'{name}="{value}"' for name, value in params)


@FUZZ
@given(authorization=st.one_of(st.text(), authorization_headers(), authorization_headers()),
       hash_the_body=st.integers(0, 4).map(bool),
       content_sha256=_mostly(st.binary(max_size=4).map(lambda data: hashlib.sha256(data).hexdigest()), size=70),
       others=ANY_HEADERS,
       method=_mostly(st.sampled_from(['POST', 'post']), size=10), path=_mostly(st.just(PATH), size=30),
       body=st.binary(max_size=200))
def test_fuzz_verify_request_raises_only_its_own_error(authorization, hash_the_body, content_sha256, others, method,
                                                       path, body):
    headers = dict(others, Authorization=authorization)
    headers['content-sha256'] = hashlib.sha256(body).hexdigest() if hash_the_body else content_sha256
    try:
        verify_request(SECRETS_BY_KEY_ID, method, path, headers, body, now=NOW)
    except RequestSignatureError as error:
        event(error.reason)
        assert error.reason in RequestSignatureError.MESSAGES
    else:
        pytest.fail('accepted an unsigned request')


# Structured fuzzing: flip one byte of a validly signed message; it must be rejected.

def _flip_byte(data, position, mask):
    flipped = bytearray(data)
    flipped[position % len(flipped)] ^= mask
    return bytes(flipped)


def _flip(text, position, mask):
    return _flip_byte(text.encode('latin-1'), position, mask).decode('latin-1')


def _flip_signature(signature, position, mask):
    """Flip a byte of the HMAC itself, so the base64 stays well-formed."""
    return _b64(_flip_byte(base64.b64decode(signature), position, mask))


@FUZZ
@given(field=st.sampled_from(['body', 'signature', 'id', 'timestamp']), position=st.integers(0, 1000),
       mask=st.integers(1, 255), body=st.binary(min_size=1, max_size=100))
def test_any_flipped_byte_of_a_webhook_is_rejected(field, position, mask, body):
    headers = webhook_headers(body=body)
    if field == 'body':
        body = _flip_byte(body, position, mask)
    elif field == 'signature':
        headers['webhook-signature'] = 'v1,' + _flip_signature(headers['webhook-signature'][3:], position, mask)
    else:
        name = 'webhook-id' if field == 'id' else 'webhook-timestamp'
        headers[name] = _flip(headers[name], position, mask)
    with pytest.raises(WebhookVerificationError):
        verify_webhook([SECRET, OLD_SECRET], headers, body, now=NOW)


@FUZZ
@given(field=st.sampled_from(['body', 'path', 'key', 'ts', 'nonce', 'sig']), position=st.integers(0, 1000),
       mask=st.integers(1, 255), body=st.binary(min_size=1, max_size=100))
def test_any_flipped_byte_of_a_signed_request_is_rejected(field, position, mask, body):
    headers = signed_headers(body=body)
    path = PATH
    params = {'key': KEY_ID, 'ts': str(NOW), 'nonce': NONCE}
    if field == 'body':
        body = _flip_byte(body, position, mask)
    elif field == 'path':
        path = _flip(PATH, position, mask)
    elif field == 'sig':
        signature = headers['Authorization'].split('sig="')[1].rstrip('"')
        headers['Authorization'] = headers['Authorization'].replace(
            signature, _flip_signature(signature, position, mask))
    else:
        headers['Authorization'] = headers['Authorization'].replace(
            f'{field}="{params[field]}"', f'{field}="{_flip(params[field], position, mask)}"')
    with pytest.raises(RequestSignatureError):
        verify_request(SECRETS_BY_KEY_ID, 'POST', path, headers, body, now=NOW)
