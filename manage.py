#!/usr/bin/env python
from caredesk.cli import main

if __name__ == "__main__":
    main()
