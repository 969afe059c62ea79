from components.gameplay import Game
from components.gameplay_component import new_game


def test_reaching_the_exit():
    game = new_game()
    assert game.move("north")
    assert game.move("east")
    assert game.over
    assert game.moves == 2


def test_no_door():
    game = Game({"a": {}}, "a", "b")
    assert not game.move("west")
    assert not game.over
