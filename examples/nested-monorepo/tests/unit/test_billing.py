from components import billing_component


def test_invoice():
    assert billing_component.invoice(2000) == 0.04
