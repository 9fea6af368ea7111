"""`make bench`: one command, one table; figures as ratios against a baseline from the same run."""
