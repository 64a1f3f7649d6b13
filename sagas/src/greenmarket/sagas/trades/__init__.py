"""The trade saga: reserve, complete, cancel or expire a trade between a seller and a buyer."""
