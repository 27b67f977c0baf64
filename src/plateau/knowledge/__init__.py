"""The knowledge base capability: official service-public.fr sheets, French search, answers recorded on
the contact, « pas trouvé » gaps for editors. See docs/knowledge.md."""
