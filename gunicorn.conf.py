"""gunicorn settings for Geitonia: the access log leaves out query strings (what people search
for) and the client's address; see README "Privacy of the people who search"."""

# %(U)s is the path without the query string; no %(h)s (address), %(f)s (referer) or user agent.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
accesslog = "-"
wsgi_app = "geo.wsgi:application"
