"""МЦУ-бот: the municipal control centre's incident workflow in Telegram."""
