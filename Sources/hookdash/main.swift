print("hookdash")
