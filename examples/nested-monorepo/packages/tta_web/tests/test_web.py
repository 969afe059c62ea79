from tta_web.pages import page


def test_page():
    assert page("a", "b") == "<h1>a</h1><p>b</p>"
