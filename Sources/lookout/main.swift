import Pipeline
print("lookout")
