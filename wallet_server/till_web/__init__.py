"""The browser till: the cashier screen as an offline web app, served under /till/."""
