"""Tests of the local emulators against the platforms' documented behaviour."""
