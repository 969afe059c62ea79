import json


def test_settings_file_is_json():
    assert json.loads('{"debug": false}') == {"debug": False}
