"""Tests of the fake's demo shop (integrations.allegro.fake.demo): generated orders, issues, ratings."""
