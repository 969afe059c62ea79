"""Start the platform (an entry script, not a component)."""

from src.agent_orchestration import run_turn


def main() -> None:
    print(run_turn("look"))


if __name__ == "__main__":
    main()
