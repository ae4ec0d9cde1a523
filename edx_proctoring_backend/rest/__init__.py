"""The instructor dashboard's REST API (Django REST framework), documented by its OpenAPI schema."""
