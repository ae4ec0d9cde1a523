"""Exam codes: unguessable, normalised for pasting."""
import base64

from edx_proctoring_backend.exams.codes import new_exam_code, normalise_exam_code


def test_codes_carry_128_bits_and_are_unique():
    codes = {new_exam_code() for _ in range(2000)}
    assert len(codes) == 2000
    code = next(iter(codes))
    raw = code.replace('-', '')
    assert len(base64.b32decode(raw + '=' * (-len(raw) % 8))) == 16


def test_pasted_codes_are_normalised():
    code = new_exam_code()
    assert normalise_exam_code(f'  {code.lower().replace("-", " ")}\n') == code
    assert normalise_exam_code(None) == ''
