"""Who is calling: one-time passwords, tokens, API clients, roles and the access rule of every route.

Error tree (each mapped to a problem document in ``gateway.identity.problems``)::

    IdentityError
    ├── SignInRefused        a one-time password was wrong, expired, used, locked or unknown
    ├── TokenRefused         an access token was missing, malformed, tampered with or expired
    ├── RefreshRefused       a refresh token was unknown, expired, revoked or replayed
    ├── ClientRefused        API client credentials did not match a live client
    └── NotificationFailed   the notifier could not deliver a message
"""
