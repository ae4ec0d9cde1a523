"""proctoring-analyse: the analysis task's code from a shell."""
import json

from edx_proctoring_backend.video.cli import main


def test_json_output(timeline_webm, capsys):
    assert main([str(timeline_webm), '--json']) == 0
    output = json.loads(capsys.readouterr().out)
    assert output['duration_s'] == 16.0
    assert [event['kind'] for event in output['events']] == ['no_face', 'multiple_faces', 'camera_covered_or_dark']
    assert set(output['events'][0]) == {'kind', 'start_s', 'end_s', 'confidence'}


def test_table_and_thumbnails(screen_webm, tmp_path, capsys):
    assert main([str(screen_webm), '--kind', 'screen', '--thumbnails', str(tmp_path / 'thumbs')]) == 0
    output = capsys.readouterr().out
    assert 'screen_changed' in output and '5.0s' in output
    [thumbnail] = (tmp_path / 'thumbs').iterdir()
    assert thumbnail.name.startswith('001-screen_changed-') and thumbnail.read_bytes().startswith(b'\xff\xd8')


def test_reference_photo_warning_is_shown(one_face_avi, tmp_path, astronaut_photo, capsys):
    photo = tmp_path / 'me.jpg'
    photo.write_bytes(astronaut_photo)
    assert main([str(one_face_avi), '--reference', str(photo)]) == 0
    assert '0 events' in capsys.readouterr().out


def test_bad_input_exits_2_with_a_reason(bad_inputs, capsys):
    assert main([str(bad_inputs['not_a_video']), '--json']) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {'error': 'not_a_video',
                                        'message': 'the file is not a video that can be decoded'}
    assert 'cannot analyse' in captured.err
    assert main([str(bad_inputs['empty'])]) == 2
    assert '(empty)' in capsys.readouterr().err
    assert main([str(bad_inputs['corrupt']), '--reference', str(bad_inputs['not_found'])]) == 2
    assert 'no reference photo at' in capsys.readouterr().err
