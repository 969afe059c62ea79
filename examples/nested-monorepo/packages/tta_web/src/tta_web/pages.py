"""Pages."""


def page(title, body):
    return f"<h1>{title}</h1><p>{body}</p>"
