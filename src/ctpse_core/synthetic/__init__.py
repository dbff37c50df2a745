"""Synthetic, obviously fictional data from a seed.

Every place is fictional (towns such as "Nowhereton", postcodes in the unused
``ZZ`` area, prisons such as "HMP Example Moor"); identifiers are random but
well-formed. Names are drawn from realistic pools, with the transliteration
variants, typos and swaps that real partner lists contain, so the engines are
tested against the noise they must survive. Nothing here describes a real person.
"""
