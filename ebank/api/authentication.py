"""Token authentication against ebank's own API tokens (ebank/org: hashed, expiring, stamped with
the credentials they were issued under), sent as DRF's `Authorization: Token <key>`."""

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from ebank.org import services


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        token, problem = services.api_token_authenticate(key=key)
        if token is None:
            raise AuthenticationFailed(problem)
        return token.user, token
