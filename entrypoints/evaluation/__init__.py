"""Measuring ragloom from outside its use cases: answer suites (`ragloom eval answers`) and
labelled personal data (`ragloom eval pii`)."""
