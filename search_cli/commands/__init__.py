"""The commands, by what they do; each module adds its commands to the one app."""
