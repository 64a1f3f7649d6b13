"""The account-deletion saga, started by `AccountDeletionRequested` on `user.events`."""
