"""
The reviewer's pages for sessions recorded on this site: the queue of attempts awaiting a person, and
one page per attempt with the recordings, a timeline of the moments the analysis suggests, and the
decision. The pipeline only suggests; the person's decision goes through ``api.record_review``.
"""
