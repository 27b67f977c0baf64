"""The router service: feeds ``plateau.domain.routing`` with live events and keeps its journal durable."""
