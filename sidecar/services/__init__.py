"""The rules and the transactions. One use case = one function, one commit."""
