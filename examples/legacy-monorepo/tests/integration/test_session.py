from components import billing_component, carbon_component, gameplay_component
from narrator import narrate


def test_a_short_session():
    game = gameplay_component.new_game()
    game.move("north")
    grams = carbon_component.charge("cy", "medium", 500)
    cents = billing_component.invoice([("medium", 500), ("small", 1000)])
    assert grams > 0
    assert cents == 0.35
    assert narrate("cy enters the library") == "cy enters the library."
