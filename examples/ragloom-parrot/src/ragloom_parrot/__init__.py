"""An example third-party ragloom plugin."""
