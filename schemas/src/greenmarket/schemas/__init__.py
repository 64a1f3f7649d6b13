"""Greenmarket's wire formats: the event envelope, events, saga commands and replies."""

from greenmarket.schemas.envelope import Envelope
from greenmarket.schemas.registry import Message, all_messages, message_class, parse, register

__all__ = ["Envelope", "Message", "all_messages", "message_class", "parse", "register"]
