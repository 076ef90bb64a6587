name = acme
kind = items
date_format = DD/MM/YYYY
student_sourcedid = student_id
item = item_id
date = date
minutes = minutes
