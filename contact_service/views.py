from django.shortcuts import render


def home(request):
    roles = list(request.user.groups.values_list("name", flat=True))
    return render(request, "home.html", {"roles": roles})
